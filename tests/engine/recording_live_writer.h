// SPDX-License-Identifier: MIT
// A LiveTextWriter over memory the test owns: it performs writes (into a
// SiteTableBuilder's fake text, or its own code buffer) and logs every write
// and sync in order, calls a check after each step, and fails on request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "altpv/engine/live_patcher.h"

namespace altpv::testing {

class RecordingLiveWriter final : public LiveTextWriter {
 public:
  struct Step {
    bool sync = false;
    std::uintptr_t address = 0;  // of a write
    std::vector<std::uint8_t> bytes;
  };

  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override {
    if (++writes_ == fail_write) {
      error_ = "write failed on purpose";
      return false;
    }
    std::memcpy(reinterpret_cast<void*>(address), bytes, len);
    steps.push_back(Step{false, address, {bytes, bytes + len}});
    if (after_step) after_step();
    return true;
  }
  void sync() override {
    steps.push_back(Step{true, 0, {}});
    if (after_step) after_step();
  }
  std::uintptr_t allocate_code(std::size_t size, std::uintptr_t) override {
    ++allocations;
    if (no_code || code_used_ + size > code_.size()) {
      error_ = "no code memory on purpose";
      return 0;
    }
    const auto at = reinterpret_cast<std::uintptr_t>(code_.data() + code_used_);
    code_used_ += size;
    return at;
  }
  bool route_traps() override {
    ++route_calls;
    if (!routes) error_ = "traps cannot be routed on purpose";
    return routes;
  }
  const char* error() const override { return error_.c_str(); }

  std::size_t syncs() const {
    std::size_t n = 0;
    for (const Step& s : steps) n += s.sync;
    return n;
  }

  std::vector<Step> steps;
  std::function<void()> after_step;  // runs after every write and sync
  int fail_write = 0;                // the n-th write (1-based) fails; 0: none
  bool no_code = false;
  bool routes = true;
  int allocations = 0;
  int route_calls = 0;

 private:
  std::array<std::uint8_t, 4096> code_{};
  std::size_t code_used_ = 0;
  int writes_ = 0;
  std::string error_;
};

}  // namespace altpv::testing
