// SPDX-License-Identifier: MIT
// Owning mmap() region (guest RAM, a vCPU's kvm_run page).
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <cstddef>
#include <system_error>
#include <utility>

namespace altpv::vmm {

class Mapping {
 public:
  Mapping() = default;
  // Maps `length` bytes of `fd` (or anonymous memory when fd < 0), shared so
  // that KVM and this process see the same pages.
  Mapping(std::size_t length, int fd, const char* what) : length_(length) {
    int flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE : MAP_SHARED;
    void* p = mmap(nullptr, length, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (p == MAP_FAILED) throw std::system_error(errno, std::generic_category(), what);
    addr_ = p;
  }
  Mapping(Mapping&& other) noexcept
      : addr_(std::exchange(other.addr_, nullptr)), length_(std::exchange(other.length_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      reset();
      addr_ = std::exchange(other.addr_, nullptr);
      length_ = std::exchange(other.length_, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  void* get() const { return addr_; }
  std::size_t size() const { return length_; }

 private:
  void reset() {
    if (addr_ != nullptr) munmap(addr_, length_);
    addr_ = nullptr;
  }
  void* addr_ = nullptr;
  std::size_t length_ = 0;
};

}  // namespace altpv::vmm
