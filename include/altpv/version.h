// SPDX-License-Identifier: MIT
// The one place that numbers altpv's versions. CMake reads the library
// version from here, and CHANGELOG.md names all three; a test keeps them equal.
#pragma once

namespace altpv {

// The library: public API and tools (semantic versioning).
inline constexpr unsigned kVersionMajor = 0;
inline constexpr unsigned kVersionMinor = 3;
inline constexpr unsigned kVersionPatch = 0;

// The layout of site and alternative records (docs/site-format.md). Objects
// built against another site-format version must not be linked together.
inline constexpr unsigned kSiteFormatVersion = 1;

// The testbed's guest<->VMM contract (testbed/abi/abi.h): boot block,
// hypercalls, CPUID leaves and the guest's report lines.
inline constexpr unsigned kTestbedAbiVersion = 3;

}  // namespace altpv
