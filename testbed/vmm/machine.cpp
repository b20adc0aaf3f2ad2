// SPDX-License-Identifier: MIT
#include "machine.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "boot_layout.h"
#include "boot_structures.h"
#include "crash_report.h"
#include "exit_codes.h"
#include "guest_limits.h"
#include "guest_text.h"
#include "result_json.h"
#include "text_dump.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

std::string join_words(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) line += (line.empty() ? "" : " ") + w;
  return line;
}

GuestCpuid build_model(const Vm& vm, const Options& options) {
  GuestCpuid model(vm.supported_cpuid());
  model.apply_personality(options.hv);
  model.apply_overrides(options.cpu);
  return model;
}

int exit_code_for(const RunEnd& end, bool tests_failed) {
  switch (end.kind) {
    case EndKind::GuestExit:
      return end.guest_code != 0 || tests_failed ? exit_code::kGuestFailed : exit_code::kPass;
    case EndKind::Crash:
    case EndKind::Limit:
      return exit_code::kGuestCrashed;
    case EndKind::Timeout:
      return exit_code::kTimeout;
    case EndKind::VmmError:
      break;
  }
  return exit_code::kVmmError;
}

// The tests that failed or never finished, at most limits::kListedTests.
void print_unfinished_tests(const std::vector<TestRecord>& tests) {
  std::size_t listed = 0, more = 0;
  for (const TestRecord& t : tests) {
    if (t.status != TestStatus::Fail && t.status != TestStatus::Running) continue;
    if (listed == limits::kListedTests) {
      ++more;
      continue;
    }
    ++listed;
    fmt::print(stderr, "altpv-vmm:   test {}: {}{}{}\n", printable(t.name),
               test_status_name(t.status), t.message.empty() ? "" : ": ", printable(t.message));
  }
  if (more != 0) fmt::print(stderr, "altpv-vmm:   ... and {} more\n", more);
}

}  // namespace

Machine::Machine(const Options& options, OutputFiles outputs,
                 std::span<const std::uint8_t> elf_file, ElfImage image)
    : options_(options),
      elf_file_(elf_file),
      image_(std::move(image)),
      vm_(options.mem_mib << 20),
      model_(build_model(vm_, options)),
      bank_(std::move(outputs.msr_log)),
      json_out_(std::move(outputs.json)),
      dump_text_out_(std::move(outputs.dump_text)),
      state_(options.quiet),
      barrier_(options.sync_cores),
      ap_start_(options.vcpus),
      ap_started_(options.vcpus, false) {
  load_elf(image_, elf_file_, memory());
  write_boot_structures(memory(), options.vcpus, join_words(options.cmdline), options.tick_us);
  for (std::uint32_t i = 0; i < options.vcpus; ++i) {
    vcpus_.push_back(vm_.create_vcpu(i));
    Vcpu& vcpu = *vcpus_.back();
    vcpu.set_cpuid(model_.for_vcpu(i));  // before SET_SREGS: KVM checks CR4/EFER against it
    kvm_sregs sregs = vcpu.sregs();
    apply_long_mode_sregs(sregs);
    vcpu.set_sregs(sregs);
    events_.push_back(std::make_unique<VcpuEvents>());
    runners_.push_back(std::make_unique<VcpuRunner>(*this, vcpu));
  }
  boot_bsp();
}

Machine::~Machine() {
  // Only reached with running threads if run() threw: stop them, then join.
  end_run({EndKind::VmmError, 0, "VMM shutting down", ""});
  timer_.stop();
  threads_.join_all();
}

void Machine::boot_bsp() {
  kvm_regs regs{};
  regs.rip = image_.entry;
  regs.rsp = layout::kBspStackTop;
  regs.rdi = layout::kBootInfo;
  regs.rflags = 2;  // bit 1 is reserved-one; interrupts off
  vcpus_[0]->set_regs(regs);
}

bool Machine::start_ap(std::uint32_t index, ApStart start) {
  {
    std::lock_guard lock(start_mutex_);
    if (index == 0 || index >= ap_started_.size() || ap_started_[index]) return false;
    ap_started_[index] = true;
    ap_start_[index] = start;
  }
  start_cv_.notify_all();
  return true;
}

std::optional<ApStart> Machine::wait_for_start(std::uint32_t index) {
  std::unique_lock lock(start_mutex_);
  start_cv_.wait(lock, [&] { return ap_start_[index].has_value() || state_.ended(); });
  return state_.ended() ? std::nullopt : ap_start_[index];
}

std::optional<std::uint32_t> Machine::sync_cores(std::uint32_t caller) {
  std::uint64_t seen[testbed::kMaxVcpus];
  std::uint32_t in_guest = 0;
  for (std::uint32_t i = 0; i < vcpu_count(); ++i) {
    seen[i] = vcpus_[i]->run_sequence();
    if (i != caller && seen[i] % 2 == 1) ++in_guest;
  }
  ++sync_calls_;
  sync_vcpus_in_guest_ += in_guest;
  if (barrier_.mode() == SyncMode::Membarrier) {
    if (barrier_.serialise_running_threads()) return in_guest;
    end_run({EndKind::VmmError, 0, "SyncCores: membarrier SYNC_CORE failed", ""});
    return std::nullopt;
  }
  for (std::uint32_t i = 0; i < vcpu_count(); ++i) {
    if (i == caller || seen[i] % 2 == 0) continue;
    // immediate_exit for a thread about to enter KVM_RUN, the kick for one
    // inside it (as end_run does, for one vCPU).
    vcpus_[i]->request_immediate_exit();
    threads_.kick(i);
  }
  // Never blocks on a vCPU: each kicked one leaves KVM_RUN at once, and no
  // vCPU waits for another while inside it (a concurrent caller is outside).
  for (std::uint32_t i = 0; i < vcpu_count(); ++i) {
    if (i == caller || seen[i] % 2 == 0) continue;
    while (vcpus_[i]->run_sequence() == seen[i]) {
      if (state_.ended()) return std::nullopt;
      std::this_thread::yield();
    }
  }
  return in_guest;
}

void Machine::end_run(RunEnd end) {
  if (!state_.record_end(std::move(end))) return;
  {
    std::lock_guard lock(start_mutex_);  // so a waiting AP cannot miss the wake-up
  }
  start_cv_.notify_all();
  for (auto& events : events_) events->shut_down();  // wakes halted vCPUs
  // immediate_exit covers a thread about to enter KVM_RUN, the kick one inside it.
  for (auto& vcpu : vcpus_) vcpu->request_immediate_exit();
  threads_.kick_all();
}

// The event first, then immediate_exit: a vCPU thread clears immediate_exit
// before it looks for events, so it either sees this event or does not
// enter the guest again before it has.
void Machine::tick() {
  for (std::uint32_t i = 0; i < vcpu_count(); ++i) {
    events_[i]->raise();
    vcpus_[i]->request_immediate_exit();
    threads_.kick(i);
  }
}

int Machine::run() {
  threads_.start(vcpu_count(), [this](std::uint32_t index) { runners_[index]->run(); });
  if (options_.tick_us != 0) {
    timer_.start(std::chrono::microseconds(options_.tick_us), [this] { tick(); });
  }
  // kMaxTimeoutSeconds keeps this far inside steady_clock's range.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(options_.timeout_seconds));
  if (!state_.wait_for_end(deadline)) {
    end_run({EndKind::Timeout, 0,
             fmt::format("guest still running after --timeout {} s", options_.timeout_seconds),
             ""});
  }
  timer_.stop();
  // Every vCPU must be out of KVM_RUN before its state is read.
  threads_.join_all();
  return finish();
}

int Machine::finish() {
  RunEnd end = *state_.end();
  if (end.kind == EndKind::Timeout) {
    for (auto& vcpu : vcpus_) end.report += vcpu_report(*vcpu, memory());
  }
  const std::vector<std::string> unmet = state_.unmet_requirements(options_.require_pass);
  const bool tests_failed = state_.any_test_failed();
  const int code = exit_code_for(end, tests_failed || !unmet.empty());

  if (code != exit_code::kPass) {
    fmt::print(stderr, "altpv-vmm: FAILED ({}): {}\n", end_kind_name(end.kind), end.reason);
    if (end.kind == EndKind::GuestExit && end.guest_code == 0 && tests_failed) {
      fmt::print(stderr, "altpv-vmm: guest exited with 0 but a test failed or never finished\n");
    }
    for (const std::string& line : unmet)
      fmt::print(stderr, "altpv-vmm: --require-pass: {}\n", line);
    print_unfinished_tests(state_.tests());
    if (!end.report.empty()) fmt::print(stderr, "{}", end.report);
  } else if (!options_.quiet) {
    fmt::print(stderr, "altpv-vmm: PASS: {}\n", end.reason);
  }
  return write_outputs(code, end);
}

// A file that cannot be completed turns the run into a VMM error: a consumer
// must not read a truncated result as the run's.
int Machine::write_outputs(int code, const RunEnd& end) {
  auto failed = [&](const char* option, const std::string& path) {
    fmt::print(stderr, "altpv-vmm: VMM error: cannot write {} {}\n", option, path);
    code = exit_code::kVmmError;
  };
  if (bank_.log_failed()) failed("--msr-log", options_.msr_log);
  if (dump_text_out_.is_open()) {
    std::vector<std::uint8_t> dump = patched_text_image(elf_file_, image_, memory());
    dump_text_out_.write(reinterpret_cast<const char*>(dump.data()),
                         static_cast<std::streamsize>(dump.size()));
    dump_text_out_.flush();
    if (!dump_text_out_) failed("--dump-text", options_.dump_text);
  }
  if (json_out_.is_open()) {
    testbed::Counters totals{};
    for (auto& runner : runners_) {
      const testbed::Counters& c = runner->totals();
      totals.instructions += c.instructions;
      totals.exits += c.exits;
      totals.exits_io += c.exits_io;
      totals.exits_msr += c.exits_msr;
      totals.exits_emulated += c.exits_emulated;
    }
    write_result_json(json_out_, {code,
                                  end,
                                  state_.tests(),
                                  bank_.snapshot(*vcpus_[0]),
                                  totals,
                                  {barrier_.mode(), sync_calls_, sync_vcpus_in_guest_},
                                  vcpus_[0]->tsc_khz()});
    json_out_.flush();
    if (!json_out_) failed("--json", options_.json);
  }
  return code;
}

}  // namespace altpv::vmm
