# SPDX-License-Identifier: MIT
# The README's other way in: examples/consumer vendors the altpv source tree
# with add_subdirectory instead of finding the installed package. It must
# exit 0 and print what it did.
include(${CMAKE_CURRENT_LIST_DIR}/client_steps.cmake)

altpv_build_client(${SOURCE}/examples/consumer ${WORK}/consumer TARGET consumer
                   ARGS -DALTPV_SOURCE_DIR=${SOURCE})
altpv_expect_run(consumer OUTPUT_VARIABLE out COMMAND ${WORK}/consumer/consumer)
altpv_expect_output(consumer "${out}"
                    "consumer: [1-9][0-9]* sites, [0-9]+ patched now, [0-9]+ already; cpu_number\\(\\) = [0-9]+")
