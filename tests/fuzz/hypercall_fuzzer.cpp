// SPDX-License-Identifier: MIT
// Fuzz target: the VMM's hypercall handling. A real VcpuRunner runs on a
// scripted vCPU (VcpuControl) and machine (VcpuHost) with no KVM behind
// them: every "KVM_RUN" returns the next hypercall of the script, `out %eax`
// to the hypercall port with the script's number and registers, against
// guest RAM of kRamBytes holding the input's bytes, with a guard page on
// either side.
//
// Input: u8 options (bit 0: --hv pv, bit 1: --count-insns), u8 vCPUs, u8 this
// vCPU's index, u8 steps; then `steps` hypercalls of
//   u8 n     n < 0x80: number n % 32 (every number the ABI has, and more);
//            else a u32 number follows (anything, mostly out of range)
//   u8 r     the call is made r % 4 + 1 times, or for r >= 0xf8 (rarely,
//            as each call costs time) 2^(r - 0xf5) + 1 times, up to 1025:
//            past the caps
//   u64 rdi, rsi, rdx, r10, r8, rip
// then guest RAM from address 0 (zero past the input). Numbers the ABI adds
// are reached without a change here.
//
// Checks, for every number: no crash, hang or sanitizer report; no access
// outside guest RAM (guard pages); rax is Ok or a HypercallError; every
// register but rax and rdx is preserved; numbers the ABI cannot have answer
// BadNumber; the run never ends in a VMM error. For the calls the ABI
// defines: pointer checks (BadPointer exactly when the range leaves RAM),
// marker and test state (BadState exactly when the call is out of order,
// single-step on exactly while counting, MarkerEnd's counters), StartVcpu
// once per AP, Exit's code; at the end, the caps on kept tests and text.
#include <sys/mman.h>
#include <unistd.h>

#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <vector>

#include "abi/abi.h"
#include "cpu_model.h"
#include "fake_arch_msrs.h"
#include "fuzz_input.h"
#include "guest_limits.h"
#include "vcpu_runner.h"

namespace {

using namespace altpv::vmm;
namespace tb = altpv::testbed;
using altpv::fuzz::FuzzInput;
using Call = tb::Hypercall;
using Error = tb::HypercallError;

constexpr std::uint64_t kRamBytes = 64 << 10;  // one ConsoleWrite of the maximum fits
constexpr std::uint32_t kNumberSpan = 32;
// No ABI number is this high; everything from here on is BadNumber.
constexpr std::uint32_t kNoNumberFrom = 0x10000;
// " [cut: N more bytes]" after a cut test text.
constexpr std::size_t kCutMarkBytes = 40;
constexpr std::uint64_t kOtherRegs = 0x5a5a'0000'0000'0000;  // rbx, rcx, ... on every call

// stderr as it was: a failing test's text is printed even with --quiet, so
// the runner's own stderr goes to /dev/null while the script runs.
int g_stderr = 2;
int g_null = -1;

[[noreturn]] void fail(const char* what, std::uint32_t number) {
  dup2(g_stderr, 2);
  std::fprintf(stderr, "fuzz: invariant violated: %s (hypercall %u)\n", what, number);
  std::abort();
}
void require(bool ok, const char* what, std::uint32_t number) {
  if (!ok) fail(what, number);
}

struct Step {
  std::uint32_t number;
  unsigned repeat;
  std::uint64_t rdi, rsi, rdx, r10, r8, rip;
};

bool is(std::uint32_t number, Call call) {
  return number == static_cast<std::uint32_t>(call);
}

bool is_status(std::int64_t s) {
  switch (static_cast<Error>(s)) {
    case Error::Ok:
    case Error::BadNumber:
    case Error::BadPointer:
    case Error::BadMsr:
    case Error::BadState:
    case Error::NotPv:
    case Error::BadArgument:
      return true;
  }
  return false;
}

// Guest RAM with an inaccessible page on either side: the hole between two
// guards is exactly the RAM's size, so the mapping lands in it.
class GuardedRam {
 public:
  GuardedRam() {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t span = kRamBytes + 2 * page;
    auto* base = static_cast<std::uint8_t*>(
        mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    if (base == MAP_FAILED || munmap(base + page, kRamBytes) != 0) fail("guard pages", 0);
    memory.emplace(kRamBytes);
    if (memory->host_base() != base + page) fail("guest RAM did not land between its guards", 0);
  }
  std::optional<GuestMemory> memory;
};

class ScriptedMachine;

// The vCPU: each run() is the next hypercall of the script; before it, the
// previous one's outcome is checked.
class ScriptedVcpu final : public VcpuControl {
 public:
  ScriptedVcpu(ScriptedMachine& machine, std::uint32_t index, std::vector<Step> script)
      : machine_(machine), index_(index), script_(std::move(script)) {
    run_page_.fill(0);
  }

  std::uint32_t index() const override { return index_; }
  kvm_run& run_page() const override { return *reinterpret_cast<kvm_run*>(run_page_.data()); }
  bool run() override;
  void clear_immediate_exit() override {}
  kvm_regs regs() const override { return regs_; }
  void set_regs(const kvm_regs& regs) override {
    regs_ = regs;
    ++set_regs_calls_;
  }
  kvm_sregs sregs() const override { return {}; }
  void set_sregs(const kvm_sregs&) override {}
  void inject_exception(std::uint8_t, std::optional<std::uint32_t>) override {}
  void inject_interrupt(std::uint8_t) override {}
  void flush_tlb() override {}
  void set_single_step(bool on) override { single_step_ = on; }
  // The testbed guest's page tables are an identity map.
  std::optional<std::uint64_t> translate(std::uint64_t gva) const override { return gva; }
  std::uint64_t get(std::uint32_t msr) override { return arch_.get(msr); }
  void set(std::uint32_t msr, std::uint64_t value) override { arch_.set(msr, value); }

  // Checks the last call, unless it was Exit (which never returns) or checked.
  void finish() {
    if (unchecked_ && !is(*last_number, tb::Hypercall::Exit)) check_previous();
    unchecked_ = false;
  }

  // What the run must show at its end.
  std::uint64_t tests_begun = 0;
  std::uint64_t console_bytes = 0;
  std::optional<std::uint32_t> last_number;

 private:
  void check_previous();
  void enter(const Step& step);

  ScriptedMachine& machine_;
  std::uint32_t index_;
  std::vector<Step> script_;
  bool unchecked_ = false;
  std::size_t next_ = 0;
  unsigned repeated_ = 0;
  alignas(kvm_run) mutable std::array<std::uint8_t, 4096> run_page_;
  kvm_regs regs_{};
  kvm_regs entered_{};
  unsigned set_regs_calls_ = 0;
  bool single_step_ = false;
  FakeArchMsrs arch_;

  // The model of the state the ABI defines.
  bool counting_ = false;
  std::uint64_t window_calls_ = 0;  // hypercalls since MarkerBegin, markers excluded
  bool test_running_ = false;
};

class ScriptedMachine final : public VcpuHost {
 public:
  ScriptedMachine(Options options, GuestMemory& memory, const GuestCpuid& model,
                  std::uint32_t vcpus)
      : options_(std::move(options)),
        memory_(memory),
        model_(model),
        state_(true),
        started_(vcpus, false),
        events_(vcpus) {}

  const Options& options() const override { return options_; }
  GuestMemory& memory() override { return memory_; }
  const GuestCpuid& model() const override { return model_; }
  MsrBank& bank() override { return bank_; }
  Console& console() override { return console_; }
  RunState& state() override { return state_; }
  std::uint32_t vcpu_count() const override { return static_cast<std::uint32_t>(started_.size()); }
  // No timer: no event is ever raised, so a halt that waits for one ends the
  // run (the VMM's rule when nothing can wake a vCPU).
  VcpuEvents& events(std::uint32_t index) override { return events_[index]; }
  bool start_ap(std::uint32_t index, ApStart) override {
    if (index == 0 || index >= started_.size() || started_[index]) return false;
    started_[index] = true;
    return true;
  }
  // This vCPU, if an AP, has been started by another.
  std::optional<ApStart> wait_for_start(std::uint32_t) override { return ApStart{0x1000, 0, 0}; }
  // The script runs one vCPU at a time, so no other is ever in guest code.
  std::optional<std::uint32_t> sync_cores(std::uint32_t) override { return 0u; }
  void end_run(RunEnd end) override { state_.record_end(std::move(end)); }

  bool started(std::uint32_t index) const { return started_[index]; }

 private:
  Options options_;
  GuestMemory& memory_;
  const GuestCpuid& model_;
  MsrBank bank_{MsrLog()};
  Console console_;
  RunState state_;
  std::vector<bool> started_;
  std::deque<VcpuEvents> events_;
};

bool ScriptedVcpu::run() {
  finish();
  if (next_ == script_.size()) {
    machine_.end_run({EndKind::Timeout, 0, "end of the script", ""});
    return false;
  }
  const Step& step = script_[next_];
  if (++repeated_ > step.repeat) {
    ++next_;
    repeated_ = 0;
  }
  enter(step);
  return true;
}

void ScriptedVcpu::enter(const Step& step) {
  std::array<std::uint64_t, sizeof(kvm_regs) / sizeof(std::uint64_t)> all;
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = kOtherRegs + i;
  kvm_regs r;
  std::memcpy(&r, all.data(), sizeof r);
  r.rax = step.number;
  r.rdi = step.rdi;
  r.rsi = step.rsi;
  r.rdx = step.rdx;
  r.r10 = step.r10;
  r.r8 = step.r8;
  r.rip = step.rip;
  regs_ = entered_ = r;
  set_regs_calls_ = 0;
  last_number = step.number;
  unchecked_ = true;

  kvm_run& run = run_page();
  run.exit_reason = KVM_EXIT_IO;
  run.io.direction = KVM_EXIT_IO_OUT;
  run.io.size = 4;
  run.io.port = tb::kHypercallPort;
  run.io.count = 1;
  run.io.data_offset = sizeof(kvm_run);
  std::memcpy(run_page_.data() + sizeof(kvm_run), &step.number, sizeof step.number);
}

void ScriptedVcpu::check_previous() {
  const std::uint32_t n = *last_number;
  // The runner turns an exception into this end; say what it was.
  if (const std::optional<RunEnd> end = machine_.state().end();
      end && end->kind == EndKind::VmmError) {
    dup2(g_stderr, 2);
    std::fprintf(stderr, "fuzz: %s\n", end->reason.c_str());
    fail("a hypercall ended the run in a VMM error", n);
  }
  require(set_regs_calls_ == 1, "registers not written back exactly once", n);
  const auto status = static_cast<std::int64_t>(regs_.rax);
  require(is_status(status), "status is not a HypercallError", n);
  kvm_regs expect = regs_;
  expect.rax = entered_.rax;
  expect.rdx = entered_.rdx;
  require(std::memcmp(&expect, &entered_, sizeof expect) == 0, "a preserved register changed", n);
  if (n == 0 || n >= kNoNumberFrom) {
    require(status == static_cast<std::int64_t>(Error::BadNumber), "unknown number not refused", n);
  }

  GuestMemory& ram = machine_.memory();
  const auto status_is = [&](Error e) { return status == static_cast<std::int64_t>(e); };
  const bool pv = machine_.options().hv == Personality::Pv;
  const kvm_regs& in = entered_;
  if (!is(n, Call::MarkerBegin) && !is(n, Call::MarkerEnd) && counting_) ++window_calls_;
  if (is(n, Call::ConsoleWrite)) {
    const bool too_long = in.rsi > limits::kConsoleWriteBytes;
    require(status_is(Error::BadArgument) == too_long, "ConsoleWrite length check", n);
    require(status_is(Error::BadPointer) == (!too_long && !ram.contains(in.rdi, in.rsi)),
            "ConsoleWrite pointer check", n);
    if (status_is(Error::Ok)) console_bytes += in.rsi;
  } else if (is(n, Call::TestBegin)) {
    require(status_is(Error::BadPointer) == !ram.contains(in.rdi, in.rsi), "TestBegin pointer", n);
    if (status_is(Error::Ok)) {
      ++tests_begun;
      test_running_ = tests_begun <= limits::kTests;
    }
  } else if (is(n, Call::TestPass) || is(n, Call::TestFail) || is(n, Call::TestSkip)) {
    const bool bad_pointer = !is(n, Call::TestPass) && !ram.contains(in.rdi, in.rsi);
    require(status_is(Error::BadPointer) == bad_pointer, "test result pointer check", n);
    if (!bad_pointer) {
      require(status_is(Error::BadState) == !test_running_, "test result without a test", n);
      test_running_ = false;
    }
  } else if (is(n, Call::MsrRead) || is(n, Call::MsrWrite)) {
    require(status_is(Error::NotPv) == !pv, "MSR hypercall outside PV", n);
    if (pv && in.rdi > UINT32_MAX) require(status_is(Error::BadMsr), "MSR index above 32 bits", n);
  } else if (is(n, Call::MarkerBegin)) {
    require(status_is(Error::BadState) == counting_, "MarkerBegin while counting", n);
    counting_ = true;
    if (status_is(Error::Ok)) window_calls_ = 0;
  } else if (is(n, Call::MarkerEnd)) {
    require(status_is(Error::BadState) == !counting_, "MarkerEnd without MarkerBegin", n);
    if (counting_) {
      require(status_is(Error::BadPointer) == !ram.contains(in.rdi, sizeof(tb::Counters)),
              "MarkerEnd pointer check", n);
    }
    if (status_is(Error::Ok)) {
      const auto c = *ram.read_object<tb::Counters>(in.rdi);
      require(c.exits_io == window_calls_, "MarkerEnd: exits_io is not the calls in the window", n);
      require(c.exits >= c.exits_io && c.instructions == 0 && c.exits_msr == 0,
              "MarkerEnd: counters out of step", n);
    }
    counting_ = false;
  } else if (is(n, Call::StartVcpu)) {
    const bool bad = in.rdi == 0 || in.rdi >= machine_.vcpu_count();
    require(status_is(Error::BadArgument) == bad, "StartVcpu index check", n);
    if (status_is(Error::Ok)) {
      require(machine_.started(static_cast<std::uint32_t>(in.rdi)), "StartVcpu: AP not started", n);
    }
  } else if (is(n, Call::VcpuIndex)) {
    require(status_is(Error::Ok) && regs_.rdx == index_, "VcpuIndex", n);
  } else if (is(n, Call::EmulateInsn)) {
    require(status_is(Error::BadPointer) == !ram.contains(in.rdi, sizeof(tb::GprFrame)),
            "EmulateInsn pointer check", n);
  }
  require(single_step_ == (counting_ && machine_.options().count_insns),
          "single-step on outside the marker window", n);
}

std::vector<Step> read_script(FuzzInput& in, unsigned steps) {
  std::vector<Step> script(steps);
  for (Step& s : script) {
    const std::uint8_t n = in.u8();
    s.number = n < 0x80 ? n % kNumberSpan : in.u32();
    const std::uint8_t r = in.u8();
    s.repeat = r < 0xf8 ? r % 4 : 1u << (r - 0xf5);
    for (std::uint64_t* r : {&s.rdi, &s.rsi, &s.rdx, &s.r10, &s.r8, &s.rip}) *r = in.u64();
  }
  return script;
}

// The kept records after the run, whatever the calls were.
void check_end(RunState& state, const ScriptedVcpu& vcpu, std::uint64_t exit_code) {
  const std::uint32_t n = vcpu.last_number.value_or(0);
  const std::optional<RunEnd> end = state.end();
  require(end.has_value(), "run left without an end", n);
  require(end->kind != EndKind::VmmError && end->kind != EndKind::Crash,
          "a hypercall ended the run in a VMM error or crash", n);
  if (end->kind == EndKind::GuestExit) {
    require(is(n, Call::Exit) && end->guest_code == static_cast<std::int64_t>(exit_code),
            "GuestExit without Exit, or with another code", n);
  }
  const bool over_tests = vcpu.tests_begun > limits::kTests;
  const bool over_console = vcpu.console_bytes > limits::kConsoleBytes;
  require((end->kind == EndKind::Limit) == (over_tests || over_console),
          "a cap hit without a Limit end, or the reverse", n);
  const std::vector<TestRecord> tests = state.tests();
  require(tests.size() == std::min<std::uint64_t>(vcpu.tests_begun, limits::kTests),
          "kept tests are not the TestBegin calls (capped)", n);
  for (const TestRecord& t : tests) {
    require(t.vcpu == vcpu.index(), "a test record names another vCPU", n);
    require(t.name.size() <= limits::kTestNameBytes + kCutMarkBytes, "test name over its cap", n);
    require(t.message.size() <= limits::kTestMessageBytes + kCutMarkBytes,
            "test message over its cap", n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Console output goes nowhere; sanitizer reports to stderr as it was.
  g_null = open("/dev/null", O_WRONLY);
  g_stderr = dup(2);
  if (g_null < 0 || g_stderr < 0 || dup2(g_null, 1) < 0) fail("redirecting stdout", 0);
  __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::intptr_t>(g_stderr)));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static GuardedRam ram;
  static const GuestCpuid model = cpu_model_with("+wrmsrns,+msr_imm");
  FuzzInput in(data, size);
  Options options;
  const std::uint8_t flags = in.u8();
  options.hv = (flags & 1) != 0 ? Personality::Pv : Personality::Hvm;
  options.count_insns = (flags & 2) != 0;
  options.quiet = true;
  const std::uint32_t vcpus = in.u8() % tb::kMaxVcpus + 1;
  const std::uint32_t index = in.u8() % vcpus;
  const unsigned steps = in.u8();
  std::vector<Step> script = read_script(in, steps);
  GuestMemory& memory = *ram.memory;
  const auto image = in.bytes(kRamBytes);
  std::memcpy(memory.host_base(), image.data(), image.size());
  std::memset(memory.host_base() + image.size(), 0, kRamBytes - image.size());

  ScriptedMachine machine(options, memory, model, vcpus);
  ScriptedVcpu vcpu(machine, index, std::move(script));
  VcpuRunner runner(machine, vcpu);
  dup2(g_null, 2);
  runner.run();
  dup2(g_stderr, 2);
  vcpu.finish();
  check_end(machine.state(), vcpu, vcpu.regs().rdi);
  return 0;
}
