// SPDX-License-Identifier: MIT
// --msr-log: one JSON object per line for every MSR access the bank serves,
// {"seq","vcpu","op","msr","value","value_hex","path"} (docs/vmm.md). seq is
// global across vCPUs. The host reads it with testbed_report's
// parse_msr_log.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace altpv::vmm {

// How an access reached the bank.
enum class MsrPath { Trap, Hypercall, EmulatedInsn };
std::string_view msr_path_name(MsrPath path);

class MsrLog {
 public:
  MsrLog() = default;  // discards everything
  explicit MsrLog(const std::string& path);

  bool enabled() const { return file_ != nullptr; }
  // True if a line could not be written.
  bool failed() const { return file_ != nullptr && std::ferror(file_.get()) != 0; }

  // Callers serialise (the bank holds its lock), so seq follows bank order.
  void record(std::uint64_t seq, std::uint32_t vcpu, bool write, std::uint32_t msr,
              std::uint64_t value, MsrPath path);

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace altpv::vmm
