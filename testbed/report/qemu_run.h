// SPDX-License-Identifier: MIT
// Booting altpv-guest on QEMU through PVH (docs/qemu.md): the command line,
// the run, and what it produced, parsed. QEMU runs the microvm machine
// (its qboot firmware hands over to a PVH kernel in a few milliseconds;
// SeaBIOS on the pc machine takes seconds under nested KVM), COM1 on
// stdout and isa-debug-exit for the guest's exit code. Also asks QEMU what
// a CPU model has (query-cpu-model-expansion), which is where the checks
// take the features a model must show.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "guest_output.h"
#include "machine_run.h"

namespace altpv::testbed::report {

// qemu-system-x86_64: $ALTPV_QEMU if set, else the name looked up in PATH;
// nullopt when there is none.
std::optional<std::string> find_qemu();

struct QemuInvocation {
  std::string cpu = "qemu64";  // any -cpu model QEMU knows
  std::string accel = "tcg";   // tcg or kvm
  std::vector<std::string> guest_words;
  unsigned memory_mib = 32;
  int timeout_seconds = 60;
};

struct QemuRun {
  std::vector<std::string> command;
  ChildOutcome child;  // stdout is the guest's COM1
  // The code the guest passed to isa-debug-exit: QEMU exits with
  // (code << 1) | 1. Empty when QEMU ended any other way (its own error, a
  // triple fault with -no-reboot, the timeout).
  std::optional<int> guest_exit_code;
  GuestOutput guest;
  // Features of the model that the accelerator cannot give and QEMU
  // therefore left out, by QEMU's name ("rdpid"), from its warnings
  // ("TCG doesn't support requested feature: CPUID.07H:ECX.rdpid [bit 22]").
  std::set<std::string> filtered_features;
  // QEMU did not end through isa-debug-exit, or left records that do not parse.
  CheckResult problems;
};

std::vector<std::string> qemu_command(const std::string& qemu, const std::string& guest,
                                      const QemuInvocation& invocation);

// Throws std::system_error when QEMU cannot be started.
QemuRun run_qemu(const std::string& qemu, const std::string& guest,
                 const QemuInvocation& invocation);

// The CPU features of `cpu` under `accel`, as QEMU's full model expansion
// names them ("rdtscp" -> true), after the accelerator's filtering. Throws
// std::runtime_error naming the problem (an unknown model, for one).
std::map<std::string, bool> qemu_model_features(const std::string& qemu, const std::string& cpu,
                                                const std::string& accel);

}  // namespace altpv::testbed::report
