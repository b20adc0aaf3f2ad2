// SPDX-License-Identifier: MIT
#include "vmm_run.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace altpv::demo {
namespace {

// A private directory for one run's --json and --msr-log, removed after.
class ScratchDir {
 public:
  ScratchDir() {
    const std::filesystem::path base = std::filesystem::temp_directory_path() / "altpv-run.XXXXXX";
    std::string path = base.string();
    if (mkdtemp(path.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + path);
    }
    path_ = path;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Beyond the VMM's own --timeout, so the VMM's report wins the race.
constexpr int kChildMarginSeconds = 30;

}  // namespace

VmmRun run_vmm(const Testbed& testbed, const VmmInvocation& inv) {
  const ScratchDir scratch;
  const std::string json = scratch.file("result.json");
  const std::string log = scratch.file("msr-log.jsonl");
  VmmRun run;
  run.command = {testbed.vmm,
                 "--hv",
                 inv.config.hv_name(),
                 "--cpu",
                 inv.config.model.cpu_arg,
                 "--timeout",
                 std::to_string(inv.timeout_seconds),
                 "--json",
                 json,
                 "--msr-log",
                 log};
  if (inv.count_insns) run.command.push_back("--count-insns");
  run.command.insert(run.command.end(), {testbed.guest, "--", "run=" + inv.run});
  run.command.insert(run.command.end(), inv.guest_words.begin(), inv.guest_words.end());
  run.child =
      run_child(run.command, std::chrono::seconds(inv.timeout_seconds + kChildMarginSeconds));
  run.result_json = read_file(json);
  run.msr_log = read_file(log);
  return run;
}

std::string command_line(const std::vector<std::string>& command) {
  std::string line;
  for (const std::string& word : command) {
    if (!line.empty()) line += ' ';
    line += word;
  }
  return line;
}

}  // namespace altpv::demo
