// SPDX-License-Identifier: MIT
#include "hosted/process_text_writer.h"

#include <fcntl.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace altpv::hosted {
namespace {

long membarrier(int cmd) {
  return syscall(SYS_membarrier, cmd, 0, 0);
}

}  // namespace

ProcessTextWriter::ProcessTextWriter() : fd_(open("/proc/self/mem", O_RDWR | O_CLOEXEC)) {
  if (fd_ < 0) last_error_ = std::string("/proc/self/mem: ") + std::strerror(errno);
  // Registration is what allows the SYNC_CORE barrier in sync(); a kernel
  // without it leaves sync() with the local serialisation only.
  sync_core_ = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) == 0;
}

ProcessTextWriter::~ProcessTextWriter() {
  if (fd_ >= 0) close(fd_);
}

bool ProcessTextWriter::write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) {
  if (fd_ < 0) return false;
  const ssize_t n = pwrite(fd_, bytes, len, static_cast<off_t>(address));
  if (n == static_cast<ssize_t>(len)) return true;
  last_error_ = n < 0 ? std::string("pwrite: ") + std::strerror(errno) : "short write";
  return false;
}

void ProcessTextWriter::sync() {
  std::uint32_t a = 0, b, c = 0, d;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
  if (sync_core_) membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE);
}

}  // namespace altpv::hosted
