// SPDX-License-Identifier: MIT
#include "hosted/process_live_writer.h"

#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace altpv::hosted {
namespace {

// Out-of-line copies are carved from arenas of this size, never freed.
constexpr std::size_t kArenaSize = 64 * 1024;
constexpr std::size_t kCopyAlignment = 16;

std::atomic<std::uint64_t> g_syncs{0};
std::atomic<std::uint64_t> g_writes{0};
std::atomic<std::uint64_t> g_int3_hits{0};
std::atomic<std::uint64_t> g_detours{0};

// What the SIGTRAP handler of this copy of altpv consults, and the handler
// it passes other traps to. Both are set before the handler is installed.
std::atomic<const KeySites*> g_trap_sites{nullptr};
struct sigaction g_previous;

// Another handler's trap: do what the program's own disposition says.
void pass_on(int sig, siginfo_t* info, void* context) {
  if ((g_previous.sa_flags & SA_SIGINFO) != 0) {
    if (g_previous.sa_sigaction != nullptr) g_previous.sa_sigaction(sig, info, context);
    return;
  }
  // The kernel forces a trap the CPU raised (SI_KERNEL: int3) even when
  // SIGTRAP is ignored; only a sent one is ignored.
  const bool ignored = g_previous.sa_handler == SIG_IGN && info->si_code != SI_KERNEL;
  if (ignored) return;
  if (g_previous.sa_handler == SIG_DFL || g_previous.sa_handler == SIG_IGN) {
    // Die of SIGTRAP as the program would have: the raised signal is
    // delivered with the default action once this handler returns.
    signal(SIGTRAP, SIG_DFL);
    raise(SIGTRAP);
    return;
  }
  g_previous.sa_handler(sig);
}

// An int3 reports SI_KERNEL with rip just after it. If it is one of ours,
// continue where the engine says: the out-of-line copy of the site's new
// bytes, or the site itself once it is whole again.
void on_sigtrap(int sig, siginfo_t* info, void* context) {
  auto& rip = static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP];
  const KeySites* sites = g_trap_sites.load(std::memory_order_acquire);
  if (info->si_code == SI_KERNEL && sites != nullptr) {
    const std::uintptr_t to = sites->resume_address(static_cast<std::uintptr_t>(rip) - 1);
    if (to != 0) {
      rip = static_cast<greg_t>(to);
      g_int3_hits.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  pass_on(sig, info, context);
}

// The handler lives in this image: unloading it would leave the process
// with a handler pointing at unmapped code.
void keep_this_image_loaded() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&on_sigtrap), &info) == 0 || info.dli_fname == nullptr) {
    return;
  }
  dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
}

}  // namespace

LiveStats live_stats() {
  LiveStats s;
  s.syncs = g_syncs.load(std::memory_order_relaxed);
  s.writes = g_writes.load(std::memory_order_relaxed);
  s.int3_hits = g_int3_hits.load(std::memory_order_relaxed);
  s.detours = g_detours.load(std::memory_order_relaxed);
  return s;
}

ProcessTextWriter& ProcessLiveWriter::text() {
  const pid_t pid = getpid();
  if (!text_ || text_pid_ != pid) {
    text_.reset();
    text_.emplace();
    text_pid_ = pid;
  }
  return *text_;
}

bool ProcessLiveWriter::write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) {
  g_writes.fetch_add(1, std::memory_order_relaxed);
  ProcessTextWriter& writer = text();
  if (writer.write(address, bytes, len)) return true;
  error_ = writer.last_error();
  return false;
}

void ProcessLiveWriter::sync() {
  g_syncs.fetch_add(1, std::memory_order_relaxed);
  text().sync();
}

std::uintptr_t ProcessLiveWriter::allocate_code(std::size_t size, std::uintptr_t near) {
  size = (size + kCopyAlignment - 1) / kCopyAlignment * kCopyAlignment;
  if (size > kArenaSize) return 0;
  if (arena_end_ - arena_next_ < size) {
    // Read+execute from the start; copies are written like text, through
    // /proc/self/mem. The hint keeps them near the site where the address
    // space allows (the copies jump back absolutely, so nearness is only a
    // preference).
    const std::uintptr_t hint =
        near > (std::uintptr_t{1} << 30) ? near - (std::uintptr_t{1} << 28) : 0;
    void* arena = mmap(reinterpret_cast<void*>(hint & ~std::uintptr_t{0xfff}), kArenaSize,
                       PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) {
      error_ = std::string("mmap for out-of-line copies: ") + std::strerror(errno);
      return 0;
    }
    arena_next_ = reinterpret_cast<std::uintptr_t>(arena);
    arena_end_ = arena_next_ + kArenaSize;
  }
  const std::uintptr_t at = arena_next_;
  arena_next_ += size;
  g_detours.fetch_add(1, std::memory_order_relaxed);
  return at;
}

bool ProcessLiveWriter::route_traps() {
  if (routed_) return true;
  if (!text().syncs_every_cpu()) {
    error_ =
        "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) is unavailable (Linux 4.16+), so "
        "the CPUs of other threads cannot be synchronised";
    return false;
  }
  // Read the program's handler before ours can run and pass traps to it.
  sigaction(SIGTRAP, nullptr, &g_previous);
  g_trap_sites.store(&sites_, std::memory_order_release);
  struct sigaction ours {};
  ours.sa_sigaction = on_sigtrap;
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&ours.sa_mask);
  if (sigaction(SIGTRAP, &ours, nullptr) != 0) {
    error_ = std::string("sigaction(SIGTRAP): ") + std::strerror(errno);
    return false;
  }
  keep_this_image_loaded();
  routed_ = true;
  return true;
}

}  // namespace altpv::hosted
