#include "symbolizer.h"

#include <algorithm>

#include <fmt/format.h>

namespace altpv::inspect {

std::string Symbolizer::describe(std::uint64_t address) const {
  auto s = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                            [](std::uint64_t a, const Symbol& sym) { return a < sym.address; });
  if (s == symbols_.begin()) return {};
  --s;
  // A zero-sized symbol (hand-written asm) covers only its first byte.
  if (address - s->address >= std::max<std::uint64_t>(s->size, 1)) return {};
  return fmt::format("{}+{:#x}", s->name, address - s->address);
}

}  // namespace altpv::inspect
