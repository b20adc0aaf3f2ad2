// SPDX-License-Identifier: MIT
#include "boot_plan.h"

#include "altpv/patcher.h"

namespace altpv::inspect {
namespace {

// The image is only looked at: "writes" succeed and change nothing.
class DiscardingWriter final : public TextWriter {
 public:
  bool write(std::uintptr_t, const std::uint8_t*, std::size_t) override { return true; }
  void sync() override {}
};

class Collector final : public DecisionObserver {
 public:
  Collector(const SiteImage& image, std::vector<Decision>& out) : image_(image), out_(out) {}
  void on_decision(const Decision& d) override {
    out_.push_back(d);
    out_.back().address = image_.vaddr(d.address);
  }

 private:
  const SiteImage& image_;
  std::vector<Decision>& out_;
};

}  // namespace

std::vector<Decision> plan_boot(const SiteImage& image, const FeatureSet& features,
                                const Backend* backend) {
  std::vector<Decision> decisions;
  if (!image.has_sites()) return decisions;
  std::vector<std::uint32_t> scratch(image.table().size());
  DiscardingWriter writer;
  Collector collector(image, decisions);
  apply(image.table(), features, backend, writer, scratch, &collector);
  return decisions;
}

}  // namespace altpv::inspect
