// SPDX-License-Identifier: MIT
// Running a machine: altpv-vmm as a child process with a given machine,
// guest command line and outputs, and everything that run produced, parsed:
// the VMM's --json result and --msr-log (docs/vmm.md), the guest's records
// (guest_output.h) and, when asked for, its text as patched (--dump-text).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elf_file.h"
#include "guest_output.h"
#include "machines.h"

namespace altpv::testbed::report {

// ---- A child process ---------------------------------------------------------

struct ChildOutcome {
  std::string out;
  std::string err;
  int exit_code = -1;  // valid when the child exited
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;

  bool exited() const { return signal == 0 && !timed_out; }
};

// argv[0] is the program: a path, or a name looked up in PATH. Stdout and
// stderr are captured, stdin is read from `stdin_path`, and the child is
// killed when it overruns `timeout`. Throws std::system_error when it cannot
// be started; a child that fails later shows in the outcome.
ChildOutcome run_child(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                       const std::string& stdin_path = "/dev/null");

// The command as a shell line, for messages and reports.
std::string command_line(const std::vector<std::string>& command);

// ---- The outcome of a check ------------------------------------------------

// Passed, or the reasons it did not, in words a reader can act on without
// the source.
struct CheckResult {
  std::vector<std::string> failures;  // empty: passed

  bool passed() const { return failures.empty(); }
  void fail(std::string reason) { failures.push_back(std::move(reason)); }
  // Adds `other`'s failures, each prefixed with `prefix`.
  void merge(const CheckResult& other, const std::string& prefix = "");
  // The failures, each on its own indented line.
  std::string describe() const;
};

// ---- What the VMM reports ----------------------------------------------------

struct GuestTest {
  std::string name;
  std::string status;  // pass, fail, skip, running
  std::string message;
  std::uint32_t vcpu = 0;
};

// --json.
struct VmmResult {
  int exit_code = -1;
  std::string exit_reason;  // guest-exit, crash, timeout, vmm-error
  std::string message;
  std::optional<std::int64_t> guest_exit_code;  // only after a guest Exit
  std::vector<GuestTest> tests;
  std::map<std::uint32_t, std::uint64_t> msrs;  // the bank as vCPU 0 sees it
  std::uint64_t instructions = 0;
  std::uint64_t exits = 0;
  // SyncCores over the run (docs/vmm.md): membarrier or kick, the calls, and
  // the other vCPUs they found in the guest.
  std::string sync_mode;
  std::uint64_t sync_calls = 0;
  std::uint64_t sync_vcpus_in_guest = 0;
  std::uint32_t tsc_khz = 0;  // the guest's TSC rate (KVM_GET_TSC_KHZ); 0: unknown

  // The guest's own verdict: it exited 0 and every test it began passed.
  bool guest_passed() const;
  const GuestTest* find_test(std::string_view name) const;
};

// Throws ParseError when the document lacks a documented field.
VmmResult parse_vmm_result(std::string_view text);

// One line of --msr-log: an access the VMM's MSR bank served.
struct LoggedMsrAccess {
  std::uint64_t seq = 0;
  std::uint32_t vcpu = 0;
  bool write = false;
  std::uint32_t msr = 0;
  std::uint64_t value = 0;
  std::string path;  // trap, emulated-insn, hypercall
};

// Throws ParseError on a malformed line.
std::vector<LoggedMsrAccess> parse_msr_log(std::string_view text);

// Only the writes, in log order.
std::vector<LoggedMsrAccess> writes_of(const std::vector<LoggedMsrAccess>& log);

// ---- One run -----------------------------------------------------------------

// Whether this host can run a machine at all: /dev/kvm opens.
bool have_kvm();

// The two binaries a run needs.
struct Testbed {
  std::string vmm;    // altpv-vmm
  std::string guest;  // altpv-guest
};

struct VmmInvocation {
  MachineConfig machine;
  std::string run;                       // run=<glob>[,<glob>...]
  std::vector<std::string> guest_words;  // more words for the guest, e.g. altpv.debug
  bool count_insns = false;
  bool dump_text = false;    // keep the text as patched (MachineRun::dumped_text)
  int timeout_seconds = 60;  // the VMM's own --timeout; the child gets a margin on top
  std::vector<std::string> vmm_options{};  // more VMM options, e.g. --vcpus 2 --tick-us 2000
};

struct MachineRun {
  std::vector<std::string> command;
  ChildOutcome child;  // stdout is the guest console
  VmmResult result;
  std::vector<LoggedMsrAccess> msr_log;
  GuestOutput guest;
  // The guest ELF with its text as guest memory held it at exit.
  std::optional<inspect::ElfFile> dumped_text;
  // The VMM did not end by itself, or left output that does not parse.
  CheckResult problems;
};

// Runs the VMM and parses what it left; output that cannot be parsed goes to
// `problems`, it does not throw. Throws std::system_error when the VMM
// cannot be started or its output files cannot be set up.
MachineRun run_machine(const Testbed& testbed, const VmmInvocation& invocation);

}  // namespace altpv::testbed::report
