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
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "pvh_loader_fault.h"
#include "qemu_checks.h"
#include "qemu_run.h"

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

// /dev/kvm opens read-write: QEMU's KVM accelerator can start.
bool kvm_usable() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

int run_loader_fault(const Options& opt, const std::string& qemu) {
  const LoaderFault fault =
      opt.loader_fault == "missing" ? LoaderFault::Missing : LoaderFault::Shifted;
  const std::string copy =
      (std::filesystem::temp_directory_path() /
       fmt::format("altpv-guest-{}-{}.elf", loader_fault_name(fault), getpid()))
          .string();
  write_guest_with_loader_fault(opt.guest, fault, copy);
  QemuInvocation inv;
  inv.cpu = opt.cpus.front();
  inv.accel = opt.accel;
  inv.timeout_seconds = opt.timeout;
  const QemuRun run = run_qemu(qemu, copy, inv);
  std::filesystem::remove(copy);
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

nlohmann::json boot_json(const ModelBoot& b) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const DecisionRecord& d : b.run.guest.decisions) {
    decisions.push_back({{"index", d.index},
                         {"address", d.address},
                         {"choice", d.choice()},
                         {"verdict", d.verdict}});
  }
  return {{"model", b.model},
          {"accel", b.accel},
          {"command", command_line(b.run.command)},
          {"qemu_features", feature_names(b.qemu_features)},
          {"guest_features", b.guest_features ? feature_names(*b.guest_features) : ""},
          {"summary", decisions_summary(b.run.guest.decisions)},
          {"passed", b.passed},
          {"skipped", b.skipped},
          {"skips", b.skips},
          {"failures", b.verdict.failures},
          {"decisions", decisions}};
}

int run_matrix(const Options& opt, const std::string& qemu) {
  const altpv::inspect::InspectedFile guest_file(opt.guest);
  std::vector<ModelBoot> boots(opt.cpus.size());
  // `jobs` boots at a time, each its own QEMU process.
  for (std::size_t first = 0; first < opt.cpus.size(); first += opt.jobs) {
    std::vector<std::future<ModelBoot>> running;
    for (std::size_t i = first; i < std::min(opt.cpus.size(), first + opt.jobs); ++i) {
      const BootRequest req{qemu, opt.guest, opt.cpus[i], opt.accel, opt.timeout};
      running.push_back(std::async(std::launch::async,
                                   [req, &guest_file] { return boot_model(req, guest_file); }));
    }
    for (std::size_t k = 0; k < running.size(); ++k) {
      boots[first + k] = running[k].get();
      const ModelBoot& b = boots[first + k];
      std::cerr << fmt::format("altpv-qemu: {}/{}: {}\n", b.model, b.accel,
                               b.verdict.passed() ? "PASS" : "FAIL");
    }
  }
  if (opt.accel == "kvm") check_kvm_models(boots);
  bool ok = true;
  std::cout << fmt::format("\nSame guest ELF ({}) on {} QEMU CPU models, -accel {}:\n\n", opt.guest,
                           boots.size(), opt.accel);
  std::cout << "| model | accel | features (CPUID) | decisions | passed | skipped | verdict |\n"
               "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const ModelBoot& b : boots) {
    std::cout << fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", b.model, b.accel,
                             b.guest_features ? feature_names(*b.guest_features) : "?",
                             decisions_summary(b.run.guest.decisions), b.passed, b.skipped,
                             b.verdict.passed() ? "PASS" : "FAIL");
  }
  for (const ModelBoot& b : boots) {
    if (b.verdict.passed()) continue;
    ok = false;
    std::cout << fmt::format("\n{}/{} FAILED: {}\n  {}\n", b.model, b.accel, b.verdict.describe(),
                             command_line(b.run.command));
    std::cout << "  console:\n" << b.run.child.out << "  stderr:\n" << b.run.child.err;
  }
  // Across models: decisions differ exactly where the features call for it.
  nlohmann::json pairs = nlohmann::json::array();
  std::cout << "\nAcross models (sites that differ / the reference selection agrees):\n";
  for (std::size_t i = 0; i < boots.size(); ++i) {
    for (std::size_t j = i + 1; j < boots.size(); ++j) {
      const CheckResult d = check_differential(boots[i], boots[j], guest_file);
      std::size_t differ = 0;
      const auto& di = boots[i].run.guest.decisions;
      const auto& dj = boots[j].run.guest.decisions;
      for (std::size_t k = 0; k < std::min(di.size(), dj.size()); ++k)
        differ += di[k].chosen != dj[k].chosen;
      std::cout << fmt::format("  {} vs {}: {} sites differ: {}\n", boots[i].model, boots[j].model,
                               differ,
                               d.passed() ? "as the features imply" : "WRONG" + d.describe());
      pairs.push_back({{"a", boots[i].model},
                       {"b", boots[j].model},
                       {"differ", differ},
                       {"failures", d.failures}});
      ok = ok && d.passed();
    }
  }
  if (opt.transcript && !boots.empty()) {
    std::cout << "\nTranscript of " << boots.front().model << ":\n" << boots.front().run.child.out;
  }
  // Each skip once, with the models it happened on.
  std::map<std::string, std::string> skipped_on;
  for (const ModelBoot& b : boots) {
    for (const std::string& s : b.skips)
      skipped_on[s] += (skipped_on[s].empty() ? "" : ", ") + b.model;
  }
  if (!skipped_on.empty()) std::cout << "\nSkipped:\n";
  for (const auto& [skip, models] : skipped_on)
    std::cout << fmt::format("  {} [{}]\n", skip, models);
  if (!opt.json.empty()) {
    nlohmann::json out = {{"accel", opt.accel}, {"guest", opt.guest}, {"pairs", pairs}};
    for (const ModelBoot& b : boots) out["boots"].push_back(boot_json(b));
    std::ofstream(opt.json) << out.dump(2) << "\n";
  }
  std::cout << fmt::format("\naltpv-qemu: {}\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
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
  if (opt.accel == "kvm" && !kvm_usable()) {
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
