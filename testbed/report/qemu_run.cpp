// SPDX-License-Identifier: MIT
#include "qemu_run.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scratch_dir.h"

namespace altpv::testbed::report {

namespace {

// The port guest/qemu_devices.h writes its exit code to.
constexpr const char* kDebugExitDevice = "isa-debug-exit,iobase=0xf4,iosize=4";

}  // namespace

std::optional<std::string> find_qemu() {
  if (const char* env = std::getenv("ALTPV_QEMU"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  for (std::string_view rest = path != nullptr ? path : ""; !rest.empty();) {
    const std::size_t colon = rest.find(':');
    const std::filesystem::path candidate =
        std::filesystem::path(rest.substr(0, colon)) / "qemu-system-x86_64";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
  }
  return std::nullopt;
}

std::vector<std::string> qemu_command(const std::string& qemu, const std::string& guest,
                                      const QemuInvocation& inv) {
  std::string append;
  for (const std::string& word : inv.guest_words) append += (append.empty() ? "" : " ") + word;
  return {qemu,
          "-M",
          "microvm",
          "-accel",
          inv.accel,
          "-cpu",
          inv.cpu,
          "-m",
          std::to_string(inv.memory_mib),
          "-nodefaults",
          "-display",
          "none",
          "-no-reboot",
          "-serial",
          "stdio",
          "-monitor",
          "none",
          "-device",
          kDebugExitDevice,
          "-kernel",
          guest,
          "-append",
          append};
}

QemuRun run_qemu(const std::string& qemu, const std::string& guest, const QemuInvocation& inv) {
  QemuRun run;
  run.command = qemu_command(qemu, guest, inv);
  run.child = run_child(run.command, std::chrono::seconds(inv.timeout_seconds));
  const ChildOutcome& c = run.child;
  if (c.timed_out) {
    run.problems.fail(fmt::format("QEMU did not end within {} s", inv.timeout_seconds));
  } else if (c.signal != 0) {
    run.problems.fail(fmt::format("QEMU was killed by signal {}", c.signal));
  } else if (c.exit_code % 2 == 1) {
    run.guest_exit_code = c.exit_code >> 1;
  } else {
    // 0: -no-reboot turned a reset (a triple fault) into an exit; else QEMU's own error.
    run.problems.fail(fmt::format(
        "QEMU exited {} without the guest's isa-debug-exit (0 is a reset: a triple fault)",
        c.exit_code));
  }
  constexpr std::string_view kFiltered = "doesn't support requested feature: CPUID.";
  for (const std::string_view line : lines_of(c.err)) {
    const std::size_t at = line.find(kFiltered);
    if (at == std::string_view::npos) continue;
    std::string_view rest = line.substr(at + kFiltered.size());  // 07H:ECX.rdpid [bit 22]
    const std::size_t dot = rest.find('.');
    const std::size_t space = rest.find(' ');
    if (dot == std::string_view::npos || space == std::string_view::npos || space < dot) continue;
    run.filtered_features.emplace(rest.substr(dot + 1, space - dot - 1));
  }
  try {
    run.guest = parse_guest_output(c.out);
  } catch (const ParseError& e) {
    run.problems.fail(e.what());
  }
  return run;
}

std::map<std::string, bool> qemu_model_features(const std::string& qemu, const std::string& cpu,
                                                const std::string& accel) {
  nlohmann::json expand = {{"execute", "query-cpu-model-expansion"},
                           {"arguments", {{"type", "full"}, {"model", {{"name", cpu}}}}}};
  const ScratchDir scratch;
  const std::string commands = scratch.file("qmp-commands");
  std::ofstream(commands) << R"({"execute":"qmp_capabilities"})" << '\n'
                          << expand.dump() << '\n'
                          << R"({"execute":"quit"})" << '\n';
  const std::vector<std::string> command = {qemu,          "-M",       "none", "-accel", accel,
                                            "-nodefaults", "-display", "none", "-qmp",   "stdio"};
  const ChildOutcome c = run_child(command, std::chrono::seconds(30), commands);
  if (!c.exited() || c.exit_code != 0) {
    throw std::runtime_error(
        fmt::format("{} failed (exit {}): {}", command_line(command), c.exit_code, c.err));
  }
  for (const std::string_view line : lines_of(c.out)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (j.contains("error")) {
      throw std::runtime_error(fmt::format("QEMU refuses CPU model '{}' under {}: {}", cpu, accel,
                                           j["error"].value("desc", j["error"].dump())));
    }
    const auto ret = j.find("return");
    if (ret == j.end() || !ret->is_object() || !ret->contains("model")) continue;
    std::map<std::string, bool> features;
    for (const auto& [name, value] : (*ret)["model"]["props"].items()) {
      if (value.is_boolean()) features[name] = value.get<bool>();
    }
    return features;
  }
  throw std::runtime_error(
      fmt::format("QEMU gave no expansion of CPU model '{}': {}", cpu, c.out + c.err));
}

}  // namespace altpv::testbed::report
