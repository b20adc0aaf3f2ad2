// SPDX-License-Identifier: MIT
#include "guest_memory.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace altpv::vmm {

GuestMemory::GuestMemory(std::uint64_t size)
    : size_(size), mapping_(static_cast<std::size_t>(size), -1, "mmap guest RAM") {}

std::optional<std::span<std::uint8_t>> GuestMemory::bytes(std::uint64_t gpa,
                                                          std::uint64_t len) const {
  if (!contains(gpa, len)) return std::nullopt;
  return std::span<std::uint8_t>(host_base() + gpa, static_cast<std::size_t>(len));
}

std::optional<std::string> GuestMemory::read_string(std::uint64_t gpa, std::uint64_t len) const {
  auto from = bytes(gpa, len);
  if (!from) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(from->data()), from->size());
}

void GuestMemory::write(std::uint64_t gpa, std::span<const std::uint8_t> bytes) {
  if (!contains(gpa, bytes.size())) {
    throw std::logic_error(
        fmt::format("VMM write of {} bytes at {:#x} is outside guest RAM", bytes.size(), gpa));
  }
  std::memcpy(host_base() + gpa, bytes.data(), bytes.size());
}

}  // namespace altpv::vmm
