// SPDX-License-Identifier: MIT
// The demo's visible progress: one line per step and per guest boot, on
// stderr so stdout stays the summary. Safe to call from several threads.
#pragma once

#include <string>

namespace altpv::demo {

class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet) {}

  void step(const std::string& what) const;  // "==> what"
  void item(const std::string& what) const;  // "    what"

 private:
  bool quiet_;
};

}  // namespace altpv::demo
