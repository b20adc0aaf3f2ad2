// SPDX-License-Identifier: MIT
// How the engine changes code. The patcher only decides; a writer knows how
// to store bytes into text safely in its environment.
#pragma once

#include <cstddef>
#include <cstdint>

namespace altpv {

class TextWriter {
 public:
  // Stores `len` bytes at `address`; false if it could not (nothing written).
  virtual bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) = 0;
  // Makes every write so far visible to instruction fetch on every CPU that
  // may run the code. Called once after a batch.
  virtual void sync() = 0;

 protected:
  ~TextWriter() = default;
};

// For boot, with one CPU running and text mapped writable: a plain copy, then
// a serialising instruction.
class BootTextWriter final : public TextWriter {
 public:
  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override;
  void sync() override;
};

}  // namespace altpv
