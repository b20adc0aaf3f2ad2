// SPDX-License-Identifier: MIT
#include "options.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "abi/abi.h"
#include "boot_layout.h"
#include "exit_codes.h"
#include "guest_cpuid.h"

namespace altpv::vmm {
namespace {

// The checks CLI11 cannot express; an error message, or "" if `o` is good.
std::string check(const Options& o) {
  const double t = o.timeout_seconds;
  if (!std::isfinite(t) || t <= 0 || t > kMaxTimeoutSeconds) {
    return fmt::format("--timeout: {} is not a number of seconds in (0, {}]", t,
                       kMaxTimeoutSeconds);
  }
  if (o.tick_us != 0 && (o.tick_us < kMinTickUs || o.tick_us > kMaxTickUs)) {
    return fmt::format("--tick-us: {} is neither 0 (no timer) nor in [{}, {}]", o.tick_us,
                       kMinTickUs, kMaxTickUs);
  }
  try {
    GuestCpuid({}).apply_overrides(o.cpu);  // names only; the real model is built later
  } catch (const CpuOverrideError& e) {
    return fmt::format("--cpu: {}", e.what());
  }
  for (const std::string& name : o.require_pass) {
    if (name.empty()) return "--require-pass: empty test name";
  }
  std::size_t length = 0;
  for (const std::string& w : o.cmdline) length += w.size() + 1;
  if (length > testbed::kMaxCmdline) {
    return fmt::format("guest command line is longer than {} bytes", testbed::kMaxCmdline - 1);
  }
  return "";
}

}  // namespace

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
  app.add_option("--vcpus", o.vcpus, "vCPUs (one thread each)")
      ->check(CLI::Range(std::uint32_t{1}, testbed::kMaxVcpus));
  app.add_option("--cpu", o.cpu, "CPUID overrides, e.g. +wrmsrns,+msr_imm,-rdpid,-hypervisor");
  std::map<std::string, Personality> personalities = {
      {"hvm", Personality::Hvm}, {"pv", Personality::Pv}, {"none", Personality::None}};
  app.add_option("--hv", o.hv, "Hypervisor personality: hvm (default), pv, none")
      ->transform(CLI::CheckedTransformer(personalities, CLI::ignore_case));
  app.add_option("--timeout", o.timeout_seconds, "Seconds before a runaway guest is stopped");
  app.add_option("--tick-us", o.tick_us,
                 "Raise a timer event on every vCPU each N microseconds (0: no timer)");
  std::map<std::string, SyncMode> sync_modes;
  for (SyncMode m : {SyncMode::Auto, SyncMode::Membarrier, SyncMode::Kick}) {
    sync_modes[sync_mode_name(m)] = m;
  }
  app.add_option("--sync-cores", o.sync_cores,
                 "How SyncCores serialises the other vCPUs: membarrier, kick, or auto (membarrier "
                 "where the kernel offers it)")
      ->transform(CLI::CheckedTransformer(sync_modes, CLI::ignore_case));
  app.add_option("--msr-log", o.msr_log, "Write every emulated MSR access as JSON lines");
  app.add_option("--json", o.json, "Write the run's result as JSON");
  app.add_flag("--count-insns", o.count_insns,
               "Single-step and count instructions between MarkerBegin/MarkerEnd");
  app.add_option("--dump-text", o.dump_text,
                 "At exit, write the guest ELF with its code as it is in guest memory");
  app.add_flag("--emulate-via-ud", o.emulate_via_ud,
               "Inject #UD for model-only instructions instead of emulating them");
  app.add_flag("--quiet", o.quiet, "Only failures on stderr");
  app.add_option("--require-pass", o.require_pass,
                 "Fail the run unless each of these tests began and passed (comma list or "
                 "repeated)")
      ->delimiter(',')
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    parsed.exit_code = code == 0 ? exit_code::kPass : exit_code::kUsage;
    return parsed;
  }
  if (std::string error = check(o); !error.empty()) {
    fmt::print(stderr, "altpv-vmm: {}\n", error);
    parsed.exit_code = exit_code::kUsage;
  }
  return parsed;
}

}  // namespace altpv::vmm
