// SPDX-License-Identifier: MIT
#include "machine.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <fstream>

#include <fmt/format.h>

#include "boot_layout.h"
#include "boot_structures.h"
#include "crash_report.h"
#include "exit_codes.h"
#include "result_json.h"
#include "text_dump.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

// A thread-directed signal whose only job is to make KVM_RUN return EINTR.
constexpr int kKickSignal = SIGUSR1;

void install_kick_handler() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the ioctl must return
  sigaction(kKickSignal, &sa, nullptr);
}

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

}  // namespace

Machine::Machine(const Options& options, std::span<const std::uint8_t> elf_file, ElfImage image)
    : options_(options),
      elf_file_(elf_file),
      image_(std::move(image)),
      vm_(options.mem_mib << 20),
      model_(build_model(vm_, options)),
      bank_(options.msr_log.empty() ? MsrLog() : MsrLog(options.msr_log)),
      state_(options.quiet),
      ap_start_(options.vcpus),
      ap_started_(options.vcpus, false) {
  load_elf(image_, elf_file_, memory());
  write_boot_structures(memory(), options.vcpus, join_words(options.cmdline));
  for (std::uint32_t i = 0; i < options.vcpus; ++i) {
    vcpus_.push_back(vm_.create_vcpu(i));
    Vcpu& vcpu = *vcpus_.back();
    vcpu.set_cpuid(model_.for_vcpu(i));  // before SET_SREGS: KVM checks CR4/EFER against it
    kvm_sregs sregs = vcpu.sregs();
    apply_long_mode_sregs(sregs);
    vcpu.set_sregs(sregs);
    runners_.push_back(std::make_unique<VcpuRunner>(*this, vcpu));
  }
  boot_bsp();
}

Machine::~Machine() {
  // Only reached with running threads if run() threw: stop them, then join.
  end_run({EndKind::VmmError, 0, "VMM shutting down", ""});
  join_vcpu_threads();
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

void Machine::end_run(RunEnd end) {
  if (!state_.record_end(std::move(end))) return;
  {
    std::lock_guard lock(start_mutex_);  // so a waiting AP cannot miss the wake-up
  }
  start_cv_.notify_all();
  for (auto& vcpu : vcpus_) vcpu->request_immediate_exit();
  std::lock_guard lock(threads_mutex_);
  for (std::thread& t : threads_) pthread_kill(t.native_handle(), kKickSignal);
}

void Machine::join_vcpu_threads() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

int Machine::run() {
  install_kick_handler();
  {
    // A vCPU may end the run (and kick the others) while later ones start.
    std::lock_guard lock(threads_mutex_);
    for (auto& runner : runners_) threads_.emplace_back([&r = *runner] { r.run(); });
  }

  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(options_.timeout_seconds));
  if (!state_.wait_for_end(deadline)) {
    end_run({EndKind::Timeout, 0,
             fmt::format("guest still running after --timeout {} s", options_.timeout_seconds),
             ""});
  }
  // Kicks can race with a thread entering KVM_RUN; immediate_exit covers it,
  // and joining waits for every vCPU to be out before its state is read.
  join_vcpu_threads();
  return finish();
}

int Machine::finish() {
  RunEnd end = *state_.end();
  if (end.kind == EndKind::Timeout) {
    for (auto& vcpu : vcpus_) end.report += vcpu_report(*vcpu, memory());
  }

  int code = exit_code::kPass;
  switch (end.kind) {
    case EndKind::GuestExit:
      code = end.guest_code != 0 || state_.any_test_failed() ? exit_code::kGuestFailed
                                                             : exit_code::kPass;
      break;
    case EndKind::Crash:
      code = exit_code::kGuestCrashed;
      break;
    case EndKind::Timeout:
      code = exit_code::kTimeout;
      break;
    case EndKind::VmmError:
      code = exit_code::kVmmError;
      break;
  }

  testbed::Counters totals{};
  for (auto& runner : runners_) {
    const testbed::Counters& c = runner->totals();
    totals.instructions += c.instructions;
    totals.exits += c.exits;
    totals.exits_io += c.exits_io;
    totals.exits_msr += c.exits_msr;
    totals.exits_emulated += c.exits_emulated;
  }

  if (code != exit_code::kPass) {
    fmt::print(stderr, "altpv-vmm: FAILED ({}): {}\n", end_kind_name(end.kind), end.reason);
    if (end.kind == EndKind::GuestExit && end.guest_code == 0) {
      fmt::print(stderr, "altpv-vmm: guest exited with 0 but a test failed or never finished\n");
    }
    for (const TestRecord& t : state_.tests()) {
      if (t.status == TestStatus::Fail || t.status == TestStatus::Running) {
        fmt::print(stderr, "altpv-vmm:   test {}: {}{}{}\n", t.name, test_status_name(t.status),
                   t.message.empty() ? "" : ": ", t.message);
      }
    }
    if (!end.report.empty()) fmt::print(stderr, "{}", end.report);
  } else if (!options_.quiet) {
    fmt::print(stderr, "altpv-vmm: PASS: {}\n", end.reason);
  }

  if (!options_.json.empty()) {
    write_result_json(options_.json,
                      {code, end, state_.tests(), bank_.snapshot(*vcpus_[0]), totals});
  }
  if (!options_.dump_text.empty()) {
    std::vector<std::uint8_t> dump = patched_text_image(elf_file_, image_, memory());
    std::ofstream out(options_.dump_text, std::ios::binary);
    out.write(reinterpret_cast<const char*>(dump.data()),
              static_cast<std::streamsize>(dump.size()));
    if (!out) fmt::print(stderr, "altpv-vmm: cannot write --dump-text {}\n", options_.dump_text);
  }
  return code;
}

}  // namespace altpv::vmm
