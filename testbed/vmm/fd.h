// SPDX-License-Identifier: MIT
// Owning file descriptor and the checked ioctl every KVM call goes through.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace altpv::vmm {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  void reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

// ioctl that throws std::system_error naming the request, so a failing KVM
// call reaches main() with a message instead of being silently ignored.
template <typename Arg>
int checked_ioctl(const Fd& fd, unsigned long request, Arg arg, const char* what) {
  int ret = ioctl(fd.get(), request, arg);
  if (ret < 0) throw std::system_error(errno, std::generic_category(), what);
  return ret;
}

}  // namespace altpv::vmm
