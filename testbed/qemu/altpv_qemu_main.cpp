// SPDX-License-Identifier: MIT
// altpv-qemu: the same altpv-guest ELF on several QEMU CPU models, booted
// through PVH (docs/qemu.md). Per model: the guest's features against
// QEMU's own expansion of the model, each case's verdict, the decisions
// against altpv-inspect's planner; across models: decisions differ exactly
// where the reference selection says they must. Exit 0 when every boot and
// check passed, 1 otherwise, 77 (with a SKIP line) without QEMU, or without
// /dev/kvm under --accel kvm.
//
// --loader-fault missing|shifted boots a copy of the guest whose PVH entry
// takes its start_info from the wrong place and passes only when the guest
// panics with the message that names the problem and exits 2.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "pvh_loader_fault.h"
#include "qemu_matrix.h"
#include "qemu_run.h"
#include "scratch_dir.h"

namespace {

using namespace altpv::testbed::report;

constexpr int kSkip = 77;

struct Options {
  std::vector<std::string> cpus = {"qemu64",         "Nehalem",   "Haswell",
                                   "Icelake-Server", "EPYC-Rome", "max"};
  std::string accel = "tcg";
  std::string guest = ALTPV_GUEST_PATH;
  std::string qemu;
  int timeout = 60;
  unsigned jobs = 2;
  std::string json;
  std::string loader_fault;
  bool transcript = false;
};

int run_loader_fault(const Options& opt, const std::string& qemu) {
  const LoaderFault fault =
      opt.loader_fault == "missing" ? LoaderFault::Missing : LoaderFault::Shifted;
  const ScratchDir scratch;
  const std::string copy =
      scratch.file(fmt::format("altpv-guest-{}.elf", loader_fault_name(fault)));
  write_guest_with_loader_fault(opt.guest, fault, copy);
  QemuInvocation inv;
  inv.cpu = opt.cpus.front();
  inv.accel = opt.accel;
  inv.timeout_seconds = opt.timeout;
  const QemuRun run = run_qemu(qemu, copy, inv);
  std::cout << run.child.out;
  CheckResult v;
  if (run.child.out.find(expected_panic(fault)) == std::string::npos) {
    v.fail(fmt::format("no line starting '{}' on COM1", expected_panic(fault)));
  }
  if (run.guest_exit_code != 2) {
    v.fail(fmt::format("the guest's exit code is {}, want 2 (a panic); {}",
                       run.guest_exit_code ? std::to_string(*run.guest_exit_code) : "none",
                       run.problems.describe()));
  }
  std::cout << fmt::format("altpv-qemu: loader fault '{}' on {}/{}: {}\n", opt.loader_fault,
                           inv.cpu, inv.accel, v.passed() ? "PASS" : "FAIL" + v.describe());
  return v.passed() ? 0 : 1;
}

int run_matrix(const Options& opt, const std::string& qemu) {
  const QemuMatrix m = run_qemu_matrix(
      {qemu, opt.guest, opt.cpus, opt.accel, opt.timeout, opt.jobs}, [](const ModelBoot& b) {
        std::cerr << fmt::format("altpv-qemu: {}/{}: {}\n", b.model, b.accel,
                                 b.verdict.passed() ? "PASS" : "FAIL");
      });
  std::cout << fmt::format("\nSame guest ELF ({}) on {} QEMU CPU models, -accel {}:\n\n", opt.guest,
                           m.boots.size(), opt.accel)
            << matrix_table(m) << "\n"
            << matrix_details(m);
  if (opt.transcript && !m.boots.empty()) {
    std::cout << "\nConsole of " << m.boots.front().model << ":\n" << m.boots.front().run.child.out;
  }
  if (!opt.json.empty()) std::ofstream(opt.json) << matrix_json(m).dump(2) << "\n";
  std::cout << fmt::format("\naltpv-qemu: {}\n", m.passed() ? "PASS" : "FAIL");
  return m.passed() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"altpv-qemu: altpv-guest on QEMU CPU models, through PVH"};
  app.add_option("--cpu", opt.cpus, "QEMU CPU models, comma-separated")->delimiter(',');
  app.add_option("--accel", opt.accel, "tcg or kvm")->check(CLI::IsMember({"tcg", "kvm"}));
  app.add_option("--guest", opt.guest, "the guest ELF");
  app.add_option("--qemu", opt.qemu, "qemu-system-x86_64 (default: $ALTPV_QEMU, else PATH)");
  app.add_option("--timeout", opt.timeout, "seconds per boot")->check(CLI::PositiveNumber);
  app.add_option("--jobs", opt.jobs, "boots at a time")->check(CLI::PositiveNumber);
  app.add_option("--json", opt.json, "write the results here");
  app.add_option(
         "--loader-fault", opt.loader_fault,
         "boot a copy whose PVH entry gets a missing or shifted start_info; pass on the panic")
      ->check(CLI::IsMember({"missing", "shifted"}));
  app.add_flag("--transcript", opt.transcript, "print the first model's console");
  CLI11_PARSE(app, argc, argv);

  if (opt.qemu.empty()) {
    const std::optional<std::string> found = find_qemu();
    if (!found) {
      std::cout << "SKIP: qemu-system-x86_64 not found (Debian package qemu-system-x86; "
                   "or set ALTPV_QEMU)\n";
      return kSkip;
    }
    opt.qemu = *found;
  }
  if (opt.accel == "kvm" && !have_kvm()) {
    std::cout << "SKIP: -accel kvm needs /dev/kvm, which does not open read-write here\n";
    return kSkip;
  }
  try {
    return opt.loader_fault.empty() ? run_matrix(opt, opt.qemu) : run_loader_fault(opt, opt.qemu);
  } catch (const std::exception& e) {
    std::cerr << "altpv-qemu: " << e.what() << "\n";
    return 1;
  }
}
