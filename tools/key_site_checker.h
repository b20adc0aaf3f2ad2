// SPDX-License-Identifier: MIT
// The key sites of a file (altpv/key.h), one per reference in
// altpv_key_refs, with what the engine's attach() and the INT3 protocol
// need of each: a record inside altpv_key_sites that the engine accepts, one
// alternative of plain bytes as long as the site (the enabled state), each
// state exactly one instruction (the writer's promise the assembler cannot
// check), and no two key sites over the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inspected_file.h"

namespace altpv::inspect {

struct KeySite {
  std::size_t ref = 0;                // index in altpv_key_refs
  std::optional<std::size_t> record;  // index in altpv_key_sites, when the reference lands on one
  std::uint64_t site = 0;             // vaddr of the site (0 without a record)
  std::uint64_t key = 0;              // vaddr of the altpv::Key
  std::vector<std::string> problems;
};

// In altpv_key_refs order.
std::vector<KeySite> key_sites(const InspectedFile& f);

// "key site 1 @0x1139 <fn+0x4>".
std::string key_site_label(const InspectedFile& f, const KeySite& k);

}  // namespace altpv::inspect
