// SPDX-License-Identifier: MIT
#include "machine_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "scratch_dir.h"

namespace altpv::testbed::report {
namespace {

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::system_error(error, std::generic_category(), what);
}

class Pipe {
 public:
  Pipe() {
    if (pipe2(fds_, O_CLOEXEC) != 0) fail("pipe2", errno);
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// Drains both pipes until the child closes them or the deadline passes.
// Reading both at once keeps a chatty child from blocking on a full pipe.
bool drain(Pipe& out_pipe, Pipe& err_pipe, ChildOutcome& outcome,
           std::chrono::steady_clock::time_point deadline) {
  std::array<pollfd, 2> fds = {pollfd{out_pipe.read_end(), POLLIN, 0},
                               pollfd{err_pipe.read_end(), POLLIN, 0}};
  std::array<std::string*, 2> sinks = {&outcome.out, &outcome.err};
  int open = 2;
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) fail("poll", errno);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[65536];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
  return true;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Beyond the VMM's own --timeout, so the VMM's report wins the race.
constexpr int kChildMarginSeconds = 30;

}  // namespace

ChildOutcome run_child(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                       const std::string& stdin_path) {
  Pipe out_pipe, err_pipe;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe.write_end(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) fail("cannot start " + argv[0], error);
  out_pipe.close_write();
  err_pipe.close_write();

  ChildOutcome outcome;
  outcome.timed_out =
      !drain(out_pipe, err_pipe, outcome, std::chrono::steady_clock::now() + timeout);
  if (outcome.timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid", errno);
  }
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status) && !outcome.timed_out) outcome.signal = WTERMSIG(status);
  return outcome;
}

std::string command_line(const std::vector<std::string>& command) {
  std::string line;
  for (const std::string& word : command) {
    if (!line.empty()) line += ' ';
    line += word;
  }
  return line;
}

void CheckResult::merge(const CheckResult& other, const std::string& prefix) {
  for (const std::string& f : other.failures) failures.push_back(prefix + f);
}

std::string CheckResult::describe() const {
  std::string text;
  for (const std::string& f : failures) text += "\n  " + f;
  return text;
}

bool VmmResult::guest_passed() const {
  return exit_code == 0 && guest_exit_code == 0 &&
         std::all_of(tests.begin(), tests.end(),
                     [](const GuestTest& t) { return t.status == "pass"; });
}

const GuestTest* VmmResult::find_test(std::string_view name) const {
  for (const GuestTest& t : tests) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

VmmResult parse_vmm_result(std::string_view text) {
  try {
    const auto j = nlohmann::json::parse(text);
    VmmResult r;
    r.exit_code = j.at("exit_code");
    r.exit_reason = j.at("exit_reason").get<std::string>();
    r.message = j.at("message").get<std::string>();
    if (j.contains("guest_exit_code")) r.guest_exit_code = j["guest_exit_code"].get<std::int64_t>();
    for (const auto& t : j.at("tests")) {
      r.tests.push_back({t.at("name"), t.at("status"), t.at("message"), t.at("vcpu")});
    }
    if (j.contains("msrs")) {
      for (const auto& [key, v] : j["msrs"].items()) {
        r.msrs[static_cast<std::uint32_t>(parse_hex(key, "msrs key"))] =
            parse_hex(v.at("hex").get<std::string>(), "msrs hex");
      }
    }
    r.instructions = j.at("counters").at("instructions");
    r.exits = j.at("counters").at("exits");
    const auto& sync = j.at("sync_cores");
    r.sync_mode = sync.at("mode").get<std::string>();
    r.sync_calls = sync.at("calls");
    r.sync_vcpus_in_guest = sync.at("vcpus_in_guest");
    r.tsc_khz = j.at("tsc_khz");
    return r;
  } catch (const std::exception& e) {
    throw ParseError(std::string("VMM result json: ") + e.what());
  }
}

std::vector<LoggedMsrAccess> parse_msr_log(std::string_view text) {
  std::vector<LoggedMsrAccess> log;
  for (std::string_view line : lines_of(text)) {
    if (line.empty()) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      const std::string op = j.at("op");
      if (op != "write" && op != "read") throw ParseError("op '" + op + "'");
      // value_hex, not value: the number may exceed what a double holds.
      log.push_back({j.at("seq"), j.at("vcpu"), op == "write", j.at("msr"),
                     parse_hex(j.at("value_hex").get<std::string>(), "value_hex"), j.at("path")});
    } catch (const std::exception& e) {
      throw ParseError("msr log line '" + std::string(line) + "': " + e.what());
    }
  }
  return log;
}

std::vector<LoggedMsrAccess> writes_of(const std::vector<LoggedMsrAccess>& log) {
  std::vector<LoggedMsrAccess> writes;
  std::copy_if(log.begin(), log.end(), std::back_inserter(writes),
               [](const LoggedMsrAccess& a) { return a.write; });
  return writes;
}

bool have_kvm() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

MachineRun run_machine(const Testbed& testbed, const VmmInvocation& inv) {
  const ScratchDir scratch;
  const std::string json = scratch.file("result.json");
  const std::string log = scratch.file("msr-log.jsonl");
  const std::string text = scratch.file("text.elf");
  MachineRun run;
  run.command = {testbed.vmm,
                 "--hv",
                 inv.machine.hv_name(),
                 "--cpu",
                 inv.machine.model.cpu_arg,
                 "--timeout",
                 std::to_string(inv.timeout_seconds),
                 "--json",
                 json,
                 "--msr-log",
                 log};
  if (inv.count_insns) run.command.push_back("--count-insns");
  run.command.insert(run.command.end(), inv.vmm_options.begin(), inv.vmm_options.end());
  if (inv.dump_text) run.command.insert(run.command.end(), {"--dump-text", text});
  run.command.insert(run.command.end(), {testbed.guest, "--", "run=" + inv.run});
  run.command.insert(run.command.end(), inv.guest_words.begin(), inv.guest_words.end());
  run.child =
      run_child(run.command, std::chrono::seconds(inv.timeout_seconds + kChildMarginSeconds));

  if (!run.child.exited()) {
    run.problems.fail("altpv-vmm did not exit by itself (" +
                      (run.child.timed_out ? std::string("timed out")
                                           : "signal " + std::to_string(run.child.signal)) +
                      "): " + command_line(run.command));
  }
  try {
    run.result = parse_vmm_result(read_text(json));
  } catch (const ParseError& e) {
    run.problems.fail(std::string(e.what()) + "; stderr: " + run.child.err);
  }
  try {
    run.msr_log = parse_msr_log(read_text(log));
  } catch (const ParseError& e) {
    run.problems.fail(e.what());
  }
  try {
    run.guest = parse_guest_output(run.child.out);
  } catch (const ParseError& e) {
    run.problems.fail(e.what());
  }
  if (inv.dump_text) {
    try {
      run.dumped_text = inspect::ElfFile::read(text);
    } catch (const std::exception& e) {
      run.problems.fail(std::string("--dump-text: ") + e.what());
    }
  }
  return run;
}

}  // namespace altpv::testbed::report
