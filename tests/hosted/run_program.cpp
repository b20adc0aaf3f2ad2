// SPDX-License-Identifier: MIT
#include "run_program.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <stdexcept>

#include "altpv/hosted/process.h"

extern char** environ;

namespace altpv::testing {
namespace {

std::vector<std::string> merged_environment(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& mine : env) replaced = replaced || mine.rfind(name, 0) == 0;
    if (!replaced) out.push_back(entry);
  }
  out.insert(out.end(), env.begin(), env.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ProgramRun run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = merged_environment(env);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, pointers(args).data(),
                                pointers(environment).data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  ProgramRun run;
  if (error != 0) {
    close(fds[0]);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      run.output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}

ProgramRun run_helper(const std::vector<std::string>& args, const std::string& features) {
  std::vector<std::string> argv{ALTPV_PROCESS_HELPER};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, {std::string(hosted::kFeaturesEnv) + "=" + features});
}

long field(const std::string& output, const std::string& line, const std::string& name) {
  const std::regex re("(^|\n)" + line + ":[^\n]* " + name + "=([0-9]+)");
  std::smatch m;
  if (!std::regex_search(output, m, re)) return -1;
  return std::stol(m[2]);
}

}  // namespace altpv::testing
