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

void InstallKickHandler() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the ioctl must return
  sigaction(kKickSignal, &sa, nullptr);
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) line += (line.empty() ? "" : " ") + w;
  return line;
}

CpuModel BuildModel(const Vm& vm, const Options& options) {
  CpuModel model(vm.SupportedCpuid());
  model.ApplyPersonality(options.hv);
  model.ApplyOverrides(options.cpu);
  return model;
}

}  // namespace

Machine::Machine(const Options& options, std::span<const std::uint8_t> elf_file, ElfImage image)
    : options_(options),
      elf_file_(elf_file),
      image_(std::move(image)),
      vm_(options.mem_mib << 20),
      model_(BuildModel(vm_, options)),
      bank_(options.msr_log.empty() ? MsrLog() : MsrLog(options.msr_log)),
      state_(options.quiet),
      ap_start_(options.vcpus),
      ap_started_(options.vcpus, false) {
  LoadElf(image_, elf_file_, memory());
  WriteBootStructures(memory(), options.vcpus, JoinWords(options.cmdline));
  for (std::uint32_t i = 0; i < options.vcpus; ++i) {
    vcpus_.push_back(vm_.CreateVcpu(i));
    Vcpu& vcpu = *vcpus_.back();
    vcpu.SetCpuid(model_.ForVcpu(i));  // before SET_SREGS: KVM checks CR4/EFER against it
    kvm_sregs sregs = vcpu.Sregs();
    ApplyLongModeSregs(sregs);
    vcpu.SetSregs(sregs);
    runners_.push_back(std::make_unique<VcpuRunner>(*this, vcpu));
  }
  BootBsp();
}

Machine::~Machine() {
  // Only reached with running threads if Run() threw: stop them, then join.
  End({EndKind::VmmError, 0, "VMM shutting down", ""});
  StopAllVcpus();
}

void Machine::BootBsp() {
  kvm_regs regs{};
  regs.rip = image_.entry;
  regs.rsp = layout::kBspStackTop;
  regs.rdi = layout::kBootInfo;
  regs.rflags = 2;  // bit 1 is reserved-one; interrupts off
  vcpus_[0]->SetRegs(regs);
}

bool Machine::StartAp(std::uint32_t index, ApStart start) {
  {
    std::lock_guard lock(start_mutex_);
    if (index == 0 || index >= ap_started_.size() || ap_started_[index]) return false;
    ap_started_[index] = true;
    ap_start_[index] = start;
  }
  start_cv_.notify_all();
  return true;
}

std::optional<ApStart> Machine::WaitForStart(std::uint32_t index) {
  std::unique_lock lock(start_mutex_);
  start_cv_.wait(lock, [&] { return ap_start_[index].has_value() || state_.ended(); });
  return state_.ended() ? std::nullopt : ap_start_[index];
}

void Machine::End(RunEnd end) {
  if (!state_.End(std::move(end))) return;
  {
    std::lock_guard lock(start_mutex_);  // so a waiting AP cannot miss the wake-up
  }
  start_cv_.notify_all();
  for (auto& vcpu : vcpus_) vcpu->RequestImmediateExit();
  std::lock_guard lock(threads_mutex_);
  for (std::thread& t : threads_) pthread_kill(t.native_handle(), kKickSignal);
}

void Machine::StopAllVcpus() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

int Machine::Run() {
  InstallKickHandler();
  {
    // A vCPU may end the run (and kick the others) while later ones start.
    std::lock_guard lock(threads_mutex_);
    for (auto& runner : runners_) threads_.emplace_back([&r = *runner] { r.Run(); });
  }

  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(options_.timeout_seconds));
  if (!state_.WaitForEnd(deadline)) {
    End({EndKind::Timeout, 0,
         fmt::format("guest still running after --timeout {} s", options_.timeout_seconds), ""});
  }
  // Kicks can race with a thread entering KVM_RUN; immediate_exit covers it,
  // and joining waits for every vCPU to be out before its state is read.
  StopAllVcpus();
  return Finish();
}

int Machine::Finish() {
  RunEnd end = *state_.end();
  if (end.kind == EndKind::Timeout) {
    for (auto& vcpu : vcpus_) end.report += VcpuReport(*vcpu, memory());
  }

  int code = exit_code::kPass;
  switch (end.kind) {
    case EndKind::GuestExit:
      code = end.guest_code != 0 || state_.AnyTestFailed() ? exit_code::kGuestFailed
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
    fmt::print(stderr, "altpv-vmm: FAILED ({}): {}\n", EndKindName(end.kind), end.reason);
    if (end.kind == EndKind::GuestExit && end.guest_code == 0) {
      fmt::print(stderr, "altpv-vmm: guest exited with 0 but a test failed or never finished\n");
    }
    for (const TestRecord& t : state_.tests()) {
      if (t.status == TestStatus::Fail || t.status == TestStatus::Running) {
        fmt::print(stderr, "altpv-vmm:   test {}: {}{}{}\n", t.name, TestStatusName(t.status),
                   t.message.empty() ? "" : ": ", t.message);
      }
    }
    if (!end.report.empty()) fmt::print(stderr, "{}", end.report);
  } else if (!options_.quiet) {
    fmt::print(stderr, "altpv-vmm: PASS: {}\n", end.reason);
  }

  if (!options_.json.empty()) {
    WriteResultJson(options_.json, {code, end, state_.tests(), bank_.Snapshot(*vcpus_[0]), totals});
  }
  if (!options_.dump_text.empty()) {
    std::vector<std::uint8_t> dump = PatchedTextImage(elf_file_, image_, memory());
    std::ofstream out(options_.dump_text, std::ios::binary);
    out.write(reinterpret_cast<const char*>(dump.data()),
              static_cast<std::streamsize>(dump.size()));
    if (!out) fmt::print(stderr, "altpv-vmm: cannot write --dump-text {}\n", options_.dump_text);
  }
  return code;
}

}  // namespace altpv::vmm
