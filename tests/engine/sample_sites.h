// SPDX-License-Identifier: MIT
// Sites and feature sets several engine tests plan against.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "altpv/features.h"
#include "altpv/op_ids.h"
#include "site_table_builder.h"

namespace altpv::testing {

using Bytes = std::vector<std::uint8_t>;

inline FeatureSet features(std::initializer_list<Feature> fs) {
  FeatureSet set;
  for (Feature f : fs) set.set(f);
  return set;
}

// A 9-byte site (CS-prefixed WRMSR padded with the 6-byte NOP) whose four
// alternatives have different lengths, so every one needs its own padding.
// The expected renderings are the SDM's recommended NOPs, written out.
inline const SiteTableBuilder::Site kWrmsrSite{
    {0x2e, 0x0f, 0x30, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
    {SiteTableBuilder::bytes(ALTPV_FEATURE_WRMSRNS, {0x0f, 0x01, 0xc6}),
     SiteTableBuilder::bytes(ALTPV_NOT(ALTPV_FEATURE_PV), {0x0f, 0x30}),
     SiteTableBuilder::bytes(ALTPV_FEATURE_SERIALIZE,
                             {0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x78, 0x56, 0x34, 0x12}),
     SiteTableBuilder::bytes(ALTPV_COND_ALWAYS, {0xcc})},
    ALTPV_OP_WRMSR_NS,
    {}};
inline const Bytes kWrmsrRendered[] = {
    {0x0f, 0x01, 0xc6, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
    {0x0f, 0x30, 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
    {0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x78, 0x56, 0x34, 0x12},
    {0xcc, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

}  // namespace altpv::testing
