// SPDX-License-Identifier: MIT
// Guest RAM: one anonymous mapping identity-mapped at guest-physical 0. Every
// access by a guest-supplied address goes through the bounds checks here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>

#include "mapping.h"

namespace altpv::vmm {

class GuestMemory {
 public:
  explicit GuestMemory(std::uint64_t size);

  std::uint64_t size() const { return size_; }
  std::uint8_t* host_base() const { return static_cast<std::uint8_t*>(mapping_.get()); }

  // True when [gpa, gpa + len) lies inside RAM; written so that no sum can
  // wrap, whatever the guest passes.
  bool Contains(std::uint64_t gpa, std::uint64_t len) const {
    return len <= size_ && gpa <= size_ - len;
  }
  // The bytes at [gpa, gpa + len), or an empty optional when out of bounds.
  std::optional<std::span<std::uint8_t>> Bytes(std::uint64_t gpa, std::uint64_t len) const;
  std::optional<std::string> String(std::uint64_t gpa, std::uint64_t len) const;

  // VMM-side writes at addresses the VMM chose; out of bounds is a VMM bug.
  void Write(std::uint64_t gpa, std::span<const std::uint8_t> bytes);
  template <typename T>
  void WriteObject(std::uint64_t gpa, const T& value) {
    Write(gpa, std::as_bytes(std::span(&value, 1)));
  }
  void Write(std::uint64_t gpa, std::span<const std::byte> bytes) {
    Write(gpa, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  }

  template <typename T>
  std::optional<T> ReadObject(std::uint64_t gpa) const;

 private:
  std::uint64_t size_;
  Mapping mapping_;
};

template <typename T>
std::optional<T> GuestMemory::ReadObject(std::uint64_t gpa) const {
  auto bytes = Bytes(gpa, sizeof(T));
  if (!bytes) return std::nullopt;
  T value;
  std::memcpy(&value, bytes->data(), sizeof(T));
  return value;
}

}  // namespace altpv::vmm
