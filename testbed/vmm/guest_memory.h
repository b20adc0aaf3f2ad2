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
  bool contains(std::uint64_t gpa, std::uint64_t len) const {
    return len <= size_ && gpa <= size_ - len;
  }
  // The bytes at [gpa, gpa + len), or an empty optional when out of bounds.
  std::optional<std::span<std::uint8_t>> bytes(std::uint64_t gpa, std::uint64_t len) const;
  std::optional<std::string> read_string(std::uint64_t gpa, std::uint64_t len) const;

  // VMM-side writes at addresses the VMM chose; out of bounds is a VMM bug.
  void write(std::uint64_t gpa, std::span<const std::uint8_t> bytes);
  template <typename T>
  void write_object(std::uint64_t gpa, const T& value) {
    write(gpa, std::as_bytes(std::span(&value, 1)));
  }
  void write(std::uint64_t gpa, std::span<const std::byte> bytes) {
    write(gpa, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  }

  template <typename T>
  std::optional<T> read_object(std::uint64_t gpa) const;

 private:
  std::uint64_t size_;
  Mapping mapping_;
};

template <typename T>
std::optional<T> GuestMemory::read_object(std::uint64_t gpa) const {
  auto from = bytes(gpa, sizeof(T));
  if (!from) return std::nullopt;
  T value;
  std::memcpy(&value, from->data(), sizeof(T));
  return value;
}

}  // namespace altpv::vmm
