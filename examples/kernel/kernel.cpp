// SPDX-License-Identifier: MIT
// A minimal kernel that uses altpv. At boot it patches its sites, for the
// CPU and, under a paravirtualising hypervisor, to calls into its MSR
// hypercalls; it prints the decision report, runs its MSR sites, checks
// what they did, and exits: 0 when everything was as expected.
#include <cstdint>

#include "abi/abi.h"
#include "altpv/engine/report.h"
#include "altpv/engine/text_buffer.h"
#include "altpv/engine/text_writer.h"
#include "altpv/linked_site_table.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "altpv/patcher.h"
#include "machine.h"

// The patchable code range (kernel.ld).
extern "C" const char text_begin[], text_end[];

namespace example {
namespace {

using altpv::TextBuffer;
namespace testbed = altpv::testbed;

constexpr std::uint64_t kValue = 0x0123456789abcdef;
constexpr std::uint32_t kNoSuchMsr = 0x12345678;  // neither KVM nor the VMM has it

// Room for one line of the report and for this kernel's own lines.
constexpr std::size_t kLineCapacity = 512;

void print(TextBuffer& line) {
  line.chr('\n');
  console_write(line.view());
}

// The decision report, line by line as the pass goes (no heap to gather it).
class ConsoleReport final : public altpv::DecisionObserver {
 public:
  void on_start(const altpv::FeatureSet& features, const altpv::Backend* backend) override {
    emit(altpv::format_report_header(features, backend, buf_, kLineCapacity));
  }
  void on_decision(const altpv::Decision& d) override {
    emit(altpv::format_decision(d, nullptr, buf_, kLineCapacity));
  }
  void on_finish(const altpv::ApplyStats& stats) override {
    emit(altpv::format_summary(stats, buf_, kLineCapacity));
  }

 private:
  // One byte beyond the line for its newline.
  void emit(std::size_t length) {
    buf_[length] = '\n';
    console_write({buf_, length + 1});
  }
  char buf_[kLineCapacity + 1] = {};
};

// At most this many sites; apply() refuses a larger table as a whole.
constinit std::uint32_t scratch[64] = {};
constinit const altpv::MsrBackend msr_backend;

altpv::ApplyStats patch_at_boot(bool pv) {
  altpv::FeatureSet features = altpv::detect_cpu_features();
  const altpv::Backend* backend = nullptr;
  if (pv) {
    // The synthetic PV feature selects the call alternatives; the backend
    // supplies their stubs, which call the handler.
    features.set(altpv::Feature::Pv);
    altpv::set_msr_handler(&msr_hypercalls());
    backend = &msr_backend;
  }
  altpv::BootTextWriter writer;
  ConsoleReport report;
  const altpv::SiteTable table = altpv::linked_site_table(
      reinterpret_cast<std::uintptr_t>(text_begin), reinterpret_cast<std::uintptr_t>(text_end));
  return altpv::apply(table, features, backend, writer, scratch, &report);
}

}  // namespace
}  // namespace example

extern "C" [[noreturn]] void kernel_main(const altpv::testbed::BootInfo* boot) {
  using namespace example;
  char buf[kLineCapacity];
  if (boot->magic != testbed::kBootMagic || boot->version != testbed::kBootVersion) {
    TextBuffer line(buf, sizeof buf);
    print(line.str("example-kernel: not booted by altpv-vmm (boot block magic or version)"));
    exit_machine(2);
  }
  install_gp_handler();
  const bool pv = paravirtual();
  {
    TextBuffer line(buf, sizeof buf);
    print(line.str("example-kernel: ")
              .dec(boot->mem_size >> 20)
              .str(" MiB, ")
              .str(pv ? "paravirtual" : "hardware-virtualised")
              .str(" MSRs; patching"));
  }
  const altpv::ApplyStats stats = patch_at_boot(pv);

  // The sites, after patching: a constant-index non-serialising write, a
  // read back, and a _safe write to an MSR that does not exist, whose #GP
  // (or the hypervisor's refusal) must come back as kMsrFault.
  altpv::wrmsr_ns(testbed::kMsr0, kValue);
  const std::uint64_t read = altpv::rdmsr(testbed::kMsr0);
  const int fault = altpv::wrmsr_safe(kNoSuchMsr, 1);

  // Under PV every site has a call alternative, so none may stay original.
  const bool ok = !stats.table_rejected && stats.refused == 0 && read == kValue &&
                  fault == altpv::kMsrFault && (!pv || stats.original == 0);
  TextBuffer line(buf, sizeof buf);
  print(line.str("example-kernel: wrmsr_ns(testbed::kMsr0, 0x")
            .hex(kValue)
            .str(") read back 0x")
            .hex(read)
            .str("; wrmsr_safe(0x")
            .hex(kNoSuchMsr)
            .str(", 1) = ")
            .sdec(fault)
            .str(ok ? "; ok" : "; FAILED"));
  exit_machine(ok ? 0 : 1);
}
