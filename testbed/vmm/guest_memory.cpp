// SPDX-License-Identifier: MIT
#include "guest_memory.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace altpv::vmm {

GuestMemory::GuestMemory(std::uint64_t size)
    : size_(size), mapping_(static_cast<std::size_t>(size), -1, "mmap guest RAM") {}

std::optional<std::span<std::uint8_t>> GuestMemory::Bytes(std::uint64_t gpa,
                                                          std::uint64_t len) const {
  if (!Contains(gpa, len)) return std::nullopt;
  return std::span<std::uint8_t>(host_base() + gpa, static_cast<std::size_t>(len));
}

std::optional<std::string> GuestMemory::String(std::uint64_t gpa, std::uint64_t len) const {
  auto bytes = Bytes(gpa, len);
  if (!bytes) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

void GuestMemory::Write(std::uint64_t gpa, std::span<const std::uint8_t> bytes) {
  if (!Contains(gpa, bytes.size())) {
    throw std::logic_error(
        fmt::format("VMM write of {} bytes at {:#x} is outside guest RAM", bytes.size(), gpa));
  }
  std::memcpy(host_base() + gpa, bytes.data(), bytes.size());
}

}  // namespace altpv::vmm
