# manpage.cmake: the hand-written manual page (docs/stoat-mock.1) and `stoat-mock --help`
# name the same options and environment variables, so neither drifts from the other.
# Also renders the page with groff, where installed, and fails on its warnings.
#   cmake -DBIN=path/to/stoat-mock -DMAN=docs/stoat-mock.1 -P tests/install/manpage.cmake
cmake_minimum_required(VERSION 3.18)
execute_process(COMMAND ${BIN} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --help exited ${rc}")
endif()
file(READ ${MAN} man)
string(REPLACE "\\-" "-" man "${man}") # roff's minus sign is the option's hyphen

# words_of(out text): every --option and STOAT_MOCK_ variable in text, sorted, unique
function(words_of out text)
  string(REGEX MATCHALL "--[a-z][a-z-]*[a-z]|STOAT_MOCK_[A-Z_]*[A-Z]" w "${text}")
  list(REMOVE_DUPLICATES w)
  list(SORT w)
  set(${out} "${w}" PARENT_SCOPE)
endfunction()
words_of(from_help "${help}")
# only the man page's OPTIONS and ENVIRONMENT sections declare; examples may use any
string(REGEX REPLACE "^.*\n\\.SH OPTIONS\n" "" declared "${man}")
string(REGEX REPLACE "\n\\.SH EXIT STATUS\n.*$" "" declared "${declared}")
words_of(from_man "${declared}")

set(problems "")
foreach(w IN LISTS from_help)
  if(NOT w IN_LIST from_man)
    string(APPEND problems "  ${w}: in --help, not in ${MAN}'s OPTIONS/ENVIRONMENT\n")
  endif()
endforeach()
foreach(w IN LISTS from_man)
  if(NOT w IN_LIST from_help)
    string(APPEND problems "  ${w}: in ${MAN}, not in --help\n")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "the manual page and --help disagree:\n${problems}")
endif()
list(LENGTH from_help n)

find_program(GROFF groff)
if(GROFF)
  execute_process(COMMAND ${GROFF} -man -Tutf8 -ww -z ${MAN}
                  ERROR_VARIABLE warnings RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR warnings)
    message(FATAL_ERROR "groff -man -ww on ${MAN}: ${rc}\n${warnings}")
  endif()
  message(STATUS "groff renders ${MAN} without a warning")
endif()
message(STATUS "${MAN} and --help name the same ${n} options and variables")
