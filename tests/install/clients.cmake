# SPDX-License-Identifier: MIT
# The README's two clients of the installed package, one per target, each
# built outside the tree and run; each must exit 0 and print what it did:
#   examples/consumer  altpv::altpv         a Linux process
#   examples/kernel    altpv::freestanding  a kernel, built as on a host
#                                           without libelf, booted in
#                                           altpv-vmm (VMM) under the hvm and
#                                           pv personalities
include(${CMAKE_CURRENT_LIST_DIR}/client_steps.cmake)

set(prefix ${WORK}/prefix)
altpv_install(${prefix})

altpv_build_client(${SOURCE}/examples/consumer ${WORK}/consumer
                   ARGS -DCMAKE_PREFIX_PATH=${prefix})
altpv_expect_run(consumer OUTPUT_VARIABLE out COMMAND ${WORK}/consumer/consumer)
altpv_expect_output(consumer "${out}"
                    "consumer: [1-9][0-9]* sites, [0-9]+ patched now, [0-9]+ already; cpu_number\\(\\) = [0-9]+")

altpv_build_client(${SOURCE}/examples/kernel ${WORK}/kernel NO_LIBELF
                   ARGS -DCMAKE_PREFIX_PATH=${prefix} -DALTPV_TESTBED_DIR=${SOURCE}/testbed)
set(summary_regex
    "altpv: ([0-9]+) sites: ([0-9]+) patched, ([0-9]+) kept original, ([0-9]+) refused")
foreach(hv hvm pv)
  set(name "example-kernel --hv ${hv}")
  altpv_expect_run("${name}" OUTPUT_VARIABLE out SKIP_RETURN_CODE 77
                   COMMAND ${VMM} --hv ${hv} --timeout 60 ${WORK}/kernel/example-kernel)
  # Under pv the features include the synthetic pv bit, and the MSR backend
  # supplies the stubs.
  set(backend none)
  if(hv STREQUAL "pv")
    set(backend msr-pv)
  endif()
  altpv_expect_output("${name}" "${out}"
    "altpv: features [a-z_,]+; backend ${backend}\n"
    "${summary_regex}"
    "example-kernel: wrmsr_ns\\(testbed::kMsr0, 0x123456789abcdef\\) read back 0x123456789abcdef; wrmsr_safe\\(0x12345678, 1\\) = -5; ok\n")
  string(REGEX MATCH "${summary_regex}" summary "${out}")
  set(sites ${CMAKE_MATCH_1})
  set(patched ${CMAKE_MATCH_2})
  set(refused ${CMAKE_MATCH_4})
  string(REGEX MATCHALL "altpv: site [0-9]+ @" decisions "${out}")
  list(LENGTH decisions decision_lines)
  # Its three MSR sites at least (wrmsr_ns, rdmsr, wrmsr_safe), one line each,
  # none refused; under pv every one a call.
  if(sites LESS 3 OR NOT decision_lines EQUAL sites OR NOT refused EQUAL 0)
    message(FATAL_ERROR "${name}: ${sites} sites, ${decision_lines} decision lines, "
                        "${refused} refused: expected 3 or more, one line each, none refused")
  endif()
  if(hv STREQUAL "pv" AND NOT patched EQUAL sites)
    message(FATAL_ERROR "${name}: ${patched} of ${sites} sites patched; under pv all must be")
  endif()
endforeach()
