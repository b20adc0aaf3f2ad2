// SPDX-License-Identifier: MIT
// A Backend that hands out one stub address (or none) and remembers what the
// engine asked for, so tests can check the op, constant and call shape. It
// can also claim not to be ready.
#pragma once

#include <cstdint>
#include <vector>

#include "altpv/backend.h"

namespace altpv::testing {

class FakeBackend final : public Backend {
 public:
  struct Query {
    std::uint16_t op;
    std::uint32_t constant;
    bool has_constant;
    AltKind kind;
  };

  explicit FakeBackend(std::uintptr_t stub) : stub_(stub) {}

  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   AltKind kind) const override {
    queries.push_back(Query{op, constant, has_constant, kind});
    return reinterpret_cast<const void*>(stub_);
  }
  const char* name() const override { return "fake"; }
  bool ready() const override { return is_ready; }

  mutable std::vector<Query> queries;
  bool is_ready = true;

 private:
  std::uintptr_t stub_;  // never called: the planner only computes rel32 to it
};

}  // namespace altpv::testing
