// SPDX-License-Identifier: MIT
#include "vmm_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace altpv::vmm::testing {

std::string hostile_guest(const std::string& name) {
  return std::string(ALTPV_HOSTILE_GUEST_DIR) + "/" + name + ".elf";
}

VmmOutcome run_vmm(const std::string& guest, std::vector<std::string> args,
                   std::vector<std::string> prefix) {
  std::vector<std::string> argv = std::move(prefix);
  argv.push_back(ALTPV_VMM_PATH);
  for (std::string& a : args) argv.push_back(a == "GUEST" ? hostile_guest(guest) : a);
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid;
  const int spawn_error = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawn_error != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot spawn " + argv[0]);
  }

  VmmOutcome outcome{-1, "", "", "", 0, 0};
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  for (int open = 2; open > 0;) {
    if (poll(fds, 2, -1) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) == pid) {
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outcome.max_rss_kib = usage.ru_maxrss;
  outcome.output = outcome.out + outcome.err;
  return outcome;
}

void VmmTest::SetUp() {
  if (access("/dev/kvm", R_OK | W_OK) != 0) GTEST_SKIP() << "/dev/kvm not available";
}

VmmOutcome VmmTest::expect(const std::string& guest, std::vector<std::string> args, int exit_code,
                           const std::vector<std::string>& needles) {
  VmmOutcome out = run_vmm(guest, std::move(args));
  EXPECT_EQ(out.exit_code, exit_code) << out.output;
  for (const std::string& n : needles) {
    EXPECT_NE(out.output.find(n), std::string::npos) << "missing \"" << n << "\" in:\n"
                                                     << out.output;
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace altpv::vmm::testing
