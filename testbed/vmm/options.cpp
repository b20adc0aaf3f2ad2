// SPDX-License-Identifier: MIT
#include "options.h"

#include <map>

#include <CLI/CLI.hpp>

#include "abi/abi.h"
#include "boot_layout.h"
#include "exit_codes.h"
#include "guest_cpuid.h"

namespace altpv::vmm {

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  CLI::App app{"altpv-vmm: the altpv KVM testbed hypervisor", "altpv-vmm"};
  app.footer("Usage: altpv-vmm [options] GUEST.elf [-- guest command line words...]");
  app.add_option("guest", o.guest, "Guest kernel ELF64 (linked at or above 1 MiB)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("cmdline", o.cmdline, "Guest command line words (after --)");
  app.add_option("--mem", o.mem_mib, "Guest RAM in MiB")
      ->check(CLI::Range(layout::kMinMemMiB, layout::kMaxMemMiB));
  app.add_option("--vcpus", o.vcpus, "vCPUs (one thread each)")->check(CLI::Range(1, 64));
  app.add_option("--cpu", o.cpu, "CPUID overrides, e.g. +wrmsrns,+msr_imm,-rdpid,-hypervisor");
  std::map<std::string, Personality> personalities = {
      {"hvm", Personality::Hvm}, {"pv", Personality::Pv}, {"none", Personality::None}};
  app.add_option("--hv", o.hv, "Hypervisor personality: hvm (default), pv, none")
      ->transform(CLI::CheckedTransformer(personalities, CLI::ignore_case));
  app.add_option("--timeout", o.timeout_seconds, "Seconds before a runaway guest is stopped")
      ->check(CLI::PositiveNumber);
  app.add_option("--msr-log", o.msr_log, "Write every emulated MSR access as JSON lines");
  app.add_option("--json", o.json, "Write the run's result as JSON");
  app.add_flag("--count-insns", o.count_insns,
               "Single-step and count instructions between MarkerBegin/MarkerEnd");
  app.add_option("--dump-text", o.dump_text,
                 "At exit, write the guest ELF with its code as it is in guest memory");
  app.add_flag("--emulate-via-ud", o.emulate_via_ud,
               "Inject #UD for model-only instructions instead of emulating them");
  app.add_flag("--quiet", o.quiet, "Only failures on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    parsed.exit_code = code == 0 ? exit_code::kPass : exit_code::kUsage;
    return parsed;
  }
  try {
    GuestCpuid({}).apply_overrides(o.cpu);  // names only; the real model is built later
  } catch (const CpuOverrideError& e) {
    std::fprintf(stderr, "altpv-vmm: --cpu: %s\n", e.what());
    parsed.exit_code = exit_code::kUsage;
    return parsed;
  }
  std::size_t length = 0;
  for (const std::string& w : o.cmdline) length += w.size() + 1;
  if (length > testbed::kMaxCmdline) {
    std::fprintf(stderr, "altpv-vmm: guest command line is longer than %u bytes\n",
                 testbed::kMaxCmdline - 1);
    parsed.exit_code = exit_code::kUsage;
  }
  return parsed;
}

}  // namespace altpv::vmm
