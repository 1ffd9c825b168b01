# Tests of examples/mailwire-parse, run by CTest as `cmake -P` scripts (registered in
# examples/mailwire-parse/CMakeLists.txt):
#
#   cmake -DTOOL=<mailwire-parse> -DCHECKER=<mailwire_parse_json_check>
#         -DTRANSCRIPTS=<examples/transcripts> -DWORK_DIR=<scratch dir> -DCASE=<name>
#         -P mailwire_parse_test.cmake
#
# Each CASE runs the tool, checks its exit status and output, and for --json output runs
# the independent contract checker (tests/examples/mailwire_parse_json_check.cpp).
cmake_minimum_required(VERSION 3.20)

foreach(_v TOOL CHECKER TRANSCRIPTS WORK_DIR CASE)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "mailwire_parse_test.cmake: -D${_v}=... is required")
  endif()
endforeach()
file(MAKE_DIRECTORY "${WORK_DIR}")
set(SEED "${TRANSCRIPTS}/seed-pop3.txt")
set(RFC1939 "${TRANSCRIPTS}/rfc1939-sample.txt")
set(RFC3501 "${TRANSCRIPTS}/rfc3501-sample.txt")
set(CLIENT_RAW "${TRANSCRIPTS}/pop3-client.raw")

# run_tool(<prefix> [INPUT_FILE f] ARGS...): runs the tool; sets <prefix>_RC, _OUT, _ERR.
function(run_tool prefix)
  cmake_parse_arguments(PARSE_ARGV 1 R "" "INPUT_FILE" "")
  set(_input "")
  if(R_INPUT_FILE)
    set(_input INPUT_FILE "${R_INPUT_FILE}")
  endif()
  execute_process(COMMAND "${TOOL}" ${R_UNPARSED_ARGUMENTS} ${_input}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  set(${prefix}_RC "${_rc}" PARENT_SCOPE)
  set(${prefix}_OUT "${_out}" PARENT_SCOPE)
  set(${prefix}_ERR "${_err}" PARENT_SCOPE)
endfunction()

function(fail what)
  message(FATAL_ERROR "${CASE}: ${what}")
endfunction()

function(expect_rc prefix want)
  if(NOT "${${prefix}_RC}" STREQUAL "${want}")
    fail("exit status ${${prefix}_RC}, expected ${want}\nstdout:\n${${prefix}_OUT}\nstderr:\n${${prefix}_ERR}")
  endif()
endfunction()

# The arguments are read one by one through ARGV<n>: as a list, an argument holding "["
# or "]" (listings, IMAP) would not be split where it should.

# expect_contains(<text var> <literal>...)
function(expect_contains var)
  math(EXPR _last "${ARGC} - 1")
  foreach(_i RANGE 1 ${_last})
    set(_needle "${ARGV${_i}}")
    string(FIND "${${var}}" "${_needle}" _at)
    if(_at EQUAL -1)
      fail("${var} lacks \"${_needle}\":\n${${var}}")
    endif()
  endforeach()
endfunction()

# expect_matches(<text var> <regex>...)
function(expect_matches var)
  math(EXPR _last "${ARGC} - 1")
  foreach(_i RANGE 1 ${_last})
    set(_re "${ARGV${_i}}")
    if(NOT "${${var}}" MATCHES "${_re}")
      fail("${var} does not match /${_re}/:\n${${var}}")
    endif()
  endforeach()
endfunction()

# check_json(<prefix> <checker args>...): the contract checker on <prefix>_OUT.
function(check_json prefix)
  set(_file "${WORK_DIR}/${CASE}.jsonl")
  file(WRITE "${_file}" "${${prefix}_OUT}")
  execute_process(COMMAND "${CHECKER}" "${_file}" ${ARGN}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  message(STATUS "checker: ${_out}")
  if(NOT _rc EQUAL 0)
    fail("--json output breaks the contract:\n${_err}\noutput:\n${${prefix}_OUT}")
  endif()
endfunction()

# ---- cases -------------------------------------------------------------------------------

if(CASE STREQUAL "seed_readable")
  run_tool(T "${SEED}")
  expect_rc(T 0)
  expect_contains(T_OUT "# POP3 (guessed from the server's first line), strict mode"
    "   | retr 1\n" "   > RETR 1\n" "   = RETR msg=1\n"
    "   | 1 498\n" "   | 2 912\n" "scan_listings[2]{1:498, 2:912}"
    "   | ..\n"                                   # message 2's dot-stuffed line
    "octets=498]" "octets=912]"                    # the messages are the listed sizes
    "state: AUTHORIZATION -> TRANSACTION" "state: UPDATE -> closed")
  expect_matches(T_OUT "\nC  line [0-9]+  RETR  8 bytes\n" "\nC  line [0-9]+  USER  10 bytes\n"
    "\nS  line [0-9]+  scan_listings  47 bytes\n" "\nS  line [0-9]+  message  517 bytes\n")

elseif(CASE STREQUAL "seed_json")
  run_tool(T --json "${SEED}")
  expect_rc(T 0)
  expect_contains(T_OUT "{\"dir\":\"C\",\"ok\":true,\"type\":\"RETR\",\"bytes\":8,\"wire\":\"RETR 1\\u000D\\u000A\"}\n")
  # 9 server replies, 8 commands; the commands are lower case in the seed, so they match
  # the written-back bytes only after upper-casing their keyword.
  check_json(T --transcript "${SEED}" --keyword-case --expect-failures 0 --expect-messages 17)

elseif(CASE STREQUAL "rfc1939_readable")
  run_tool(T "${RFC1939}")
  expect_rc(T 0)
  expect_contains(T_OUT "   | APOP mrose c4c9334bac560ecc979e58001b3e22fb\n" "   | 1 120\n" "   | 2 200\n"
    "timestamp=\"<1896.697170952@dbc.mtview.ca.us>\"" "stat count=2 octets=320"
    "scan_listings[2]{1:120, 2:200}" "octets=120]" "octets=200]")
  expect_matches(T_OUT "\nC  line [0-9]+  APOP  " "\nC  line [0-9]+  RETR  8 bytes\n")

elseif(CASE STREQUAL "rfc1939_json")
  run_tool(T --json "${RFC1939}")
  expect_rc(T 0)
  # Upper-case commands: every message writes back byte for byte.
  check_json(T --transcript "${RFC1939}" --expect-failures 0 --expect-messages 17)

elseif(CASE STREQUAL "bad_line")
  set(_t "${WORK_DIR}/bad-line.txt")
  file(WRITE "${_t}" "S: +OK ready\nC: USER bob\nS: +OK\nC: PASS hungry\nS: +OK\nC: RETR 0\nS: -ERR no such message\nC: QUIT\nS: +OK bye\n")
  run_tool(J --json "${_t}")
  expect_rc(J 1)
  expect_contains(J_OUT "{\"dir\":\"C\",\"ok\":false,\"offset\":5,\"code\":\"number_out_of_range\",\"expected\":\"")
  check_json(J --transcript "${_t}" --expect-failures 1)
  run_tool(R "${_t}")
  expect_rc(R 1)
  expect_matches(R_OUT "\nC  line 6  error  8 bytes\n   \\| RETR 0\n   error: number_out_of_range at offset 5: expected [^\n]+\n     RETR 0\n          \\^\n")

elseif(CASE STREQUAL "session")
  # The session state machine: a command refused in its state, an AUTH exchange, STLS.
  set(_t "${WORK_DIR}/session.txt")
  file(WRITE "${_t}" "S: +OK ready\nC: RETR 1\nS: -ERR not yet\nC: STLS\nS: +OK begin TLS\nC: AUTH PLAIN\nS: + \nC: AGJvYgBodW5ncnk=\nS: +OK welcome\nC: LIST 1\nS: +OK 1 120\nC: QUIT\nS: +OK bye\n")
  run_tool(J --json "${_t}")
  expect_rc(J 1)
  expect_contains(J_OUT
    "{\"dir\":\"C\",\"ok\":false,\"offset\":0,\"code\":\"bad_state\",\"expected\":\""
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"continuation\",\"bytes\":4,\"wire\":\"+ \\u000D\\u000A\"}\n"
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"auth_continuation\",\"bytes\":18,"
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"scan_listing\",\"bytes\":11,\"wire\":\"+OK 1 120\\u000D\\u000A\"}\n")
  check_json(J --transcript "${_t}" --expect-failures 1 --expect-messages 13)
  run_tool(R "${_t}")
  expect_rc(R 1)
  expect_contains(R_OUT "error: bad_state at offset 0" "answers: RETR msg=1"
    "state: AUTHORIZATION -> TLS negotiation" "# state: TLS negotiation -> AUTHORIZATION"
    "answers: AUTH mechanism=\"PLAIN\"" "state: AUTHORIZATION -> TRANSACTION" "state: UPDATE -> closed")

elseif(CASE STREQUAL "mid_session")
  # The slide's own shape: it starts with "C: list", no greeting. The first server line is
  # then LIST's reply, multi-line; no state rules apply.
  set(_t "${WORK_DIR}/mid-session.txt")
  file(WRITE "${_t}" "C: list\nS: +OK\nS: 1 498\nS: 2 912\nS: .\nC: dele 1\nS: +OK\nC: quit\nS: +OK POP3 server signing off\n")
  run_tool(J --json "${_t}")
  expect_rc(J 0)
  expect_contains(J_OUT "{\"dir\":\"S\",\"ok\":true,\"type\":\"scan_listings\",\"bytes\":22,")
  check_json(J --transcript "${_t}" --keyword-case --expect-failures 0 --expect-messages 6)
  run_tool(R "${_t}")
  expect_contains(R_OUT "# POP3 (guessed from the server's first line)" "no greeting expected")

elseif(CASE STREQUAL "incomplete")
  # A multi-line reply cut off by the end of the input; a reply nobody asked for.
  set(_t "${WORK_DIR}/incomplete.txt")
  file(WRITE "${_t}" "S: +OK ready\nS: +OK again\nC: USER bob\nS: +OK\nC: PASS x\nS: +OK\nC: LIST\nS: +OK 1 message\nS: 1 120\n")
  run_tool(J --json "${_t}")
  expect_rc(J 1)
  expect_contains(J_OUT
    "{\"dir\":\"S\",\"ok\":false,\"offset\":0,\"code\":\"unexpected_response\",\"expected\":\""
    "{\"dir\":\"S\",\"ok\":false,\"offset\":22,\"code\":\"need_more\",\"expected\":\"")
  check_json(J --transcript "${_t}" --expect-failures 2)

elseif(CASE STREQUAL "lenient")
  # Bare LF line ends and doubled spaces: strict_violation in strict mode, accepted lenient.
  set(_t "${WORK_DIR}/lenient.raw")
  file(WRITE "${_t}" "USER bob\nLIST  1\r\nQUIT\r\n")
  run_tool(S --pop3 --client --json "${_t}")
  expect_rc(S 1)
  expect_contains(S_OUT
    "{\"dir\":\"C\",\"ok\":false,\"offset\":8,\"code\":\"strict_violation\",\"expected\":\"CRLF\"}\n"
    "{\"dir\":\"C\",\"ok\":false,\"offset\":5,\"code\":\"strict_violation\",")
  run_tool(L --pop3 --client --lenient --json "${_t}")
  expect_rc(L 0)
  expect_contains(L_OUT "{\"dir\":\"C\",\"ok\":true,\"type\":\"USER\",\"bytes\":9,\"wire\":\"USER bob\\u000D\\u000A\"}\n"
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"LIST\",\"bytes\":9,\"wire\":\"LIST 1\\u000D\\u000A\"}\n")
  check_json(L --expect-failures 0 --expect-messages 3)

elseif(CASE STREQUAL "server_raw")
  # A raw server stream: no commands, so every reply after the greeting is single-line.
  set(_t "${WORK_DIR}/server.raw")
  file(WRITE "${_t}" "+OK POP3 ready\r\n+OK\r\n-ERR [AUTH] bad password\r\n+OK 2 320\r\n")
  run_tool(J --json "${_t}" --server)
  expect_rc(J 0)
  check_json(J --server "${_t}" --expect-failures 0 --expect-messages 4)
  run_tool(R --server "${_t}")
  expect_contains(R_OUT "# POP3 (guessed from the server's first line)" "S  offset 0  greeting  16 bytes\n"
    "S  offset 21  err  26 bytes\n" "framed as single-line: a raw server stream has no commands")

elseif(CASE STREQUAL "client_raw")
  run_tool(T --pop3 --client --json "${CLIENT_RAW}")
  expect_rc(T 0)
  check_json(T --client "${CLIENT_RAW}" --expect-failures 0 --expect-messages 13)
  run_tool(G --client "${CLIENT_RAW}")  # the protocol guessed from the first command
  expect_rc(G 0)
  expect_contains(G_OUT "# POP3 (guessed from the client's first line)" "C  offset 0  USER  10 bytes\n")

elseif(CASE STREQUAL "stdin")
  run_tool(F --json "${SEED}")
  run_tool(N --json INPUT_FILE "${SEED}")
  run_tool(D --json - INPUT_FILE "${SEED}")
  expect_rc(N 0)
  expect_rc(D 0)
  if(NOT N_OUT STREQUAL F_OUT OR NOT D_OUT STREQUAL F_OUT)
    fail("standard input gives different output than the file:\n${N_OUT}\n---\n${D_OUT}")
  endif()
  if(F_OUT STREQUAL "")
    fail("no output")
  endif()

elseif(CASE STREQUAL "usage")
  run_tool(H --help)
  expect_rc(H 0)
  expect_contains(H_OUT "usage: mailwire-parse")
  run_tool(U --bogus "${SEED}")
  expect_rc(U 2)
  expect_contains(U_ERR "unknown option --bogus")
  run_tool(P --pop3 --imap "${SEED}")
  expect_rc(P 2)
  run_tool(M "${WORK_DIR}/no-such-file.txt")
  expect_rc(M 2)
  expect_contains(M_ERR "cannot read")
  set(_t "${WORK_DIR}/bad-format.txt")
  file(WRITE "${_t}" "# fine\nS: +OK\nX: what\n")
  run_tool(B "${_t}")
  expect_rc(B 2)
  expect_contains(B_ERR "bad-format.txt:3: expected")
  file(WRITE "${_t}" "S: +OK\nC:USER bob\n")
  run_tool(B2 "${_t}")
  expect_rc(B2 2)
  expect_contains(B2_ERR "bad-format.txt:2: expected a space")
  file(WRITE "${_t}" "C: hello\n")
  run_tool(G "${_t}")
  expect_rc(G 2)
  expect_contains(G_ERR "give --pop3 or --imap")

elseif(CASE STREQUAL "rfc3501_readable")
  run_tool(R "${RFC3501}")
  expect_rc(R 0)
  if(NOT R_ERR STREQUAL "")
    fail("unexpected standard error:\n${R_ERR}")
  endif()
  # The RFC's editorial line breaks are joined back into one line: one FETCH response.
  expect_contains(R_OUT "# IMAP (guessed from the server's first line), strict mode"
    "-0700\" RFC822.SIZE 4286 ENVELOPE ("
    "S  line 13  ok  30 bytes\n   | * OK IMAP4rev1 Service Ready\n   = ok \"* OK IMAP4rev1 Service Ready\"\n"
    "S  line 24  fetch  560 bytes\n"
    # the framer took the {342} literal and the ")" after it as one message
    "S  line 37  fetch  377 bytes\n   | * 12 FETCH (BODY[HEADER] {342}\n   | Date: Wed, 17 Jul 1996"
    # lower-case commands parse (the case the library writes back is its business: the
    # --json case checks the written bytes up to ASCII case)
    "C  line 14  LOGIN  23 bytes\n   | a001 login mrc secret\n"
    "C  line 49  STORE  31 bytes\n   | a005 store 12 +flags \\deleted\n"
    "S  line 54  tagged_ok  26 bytes\n")
  string(FIND "${R_OUT}" "error" _at)
  if(NOT _at EQUAL -1)
    fail("an error in the RFC 3501 sample:\n${R_OUT}")
  endif()

elseif(CASE STREQUAL "rfc3501_json")
  run_tool(J --json "${RFC3501}")
  expect_rc(J 0)
  expect_contains(J_OUT
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"ok\",\"bytes\":30,\"wire\":\"* OK IMAP4rev1 Service Ready\\u000D\\u000A\"}\n"
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"LOGIN\",\"bytes\":23,\"wire\":\"a001 "
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"fetch\",\"bytes\":560,"
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"fetch\",\"bytes\":377,\"wire\":\"* 12 FETCH (BODY[HEADER] {342}\\u000D\\u000ADate: "
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"bye\",\"bytes\":47,")
  # 16 responses, 6 commands; the commands are lower case in the RFC and come back with
  # upper-case keywords ("a005 STORE 12 +FLAGS \deleted"): equal after case folding.
  check_json(J --transcript "${RFC3501}" --client-any-case --expect-failures 0 --expect-messages 22)

elseif(CASE STREQUAL "imap_server_raw")
  # A raw server stream captured from Dovecot 2.3.19: every response parses and writes
  # back byte for byte (no case folding).
  set(_t "${TRANSCRIPTS}/dovecot-imap-server.raw")
  run_tool(J --imap --server --json "${_t}")
  expect_rc(J 0)
  expect_contains(J_OUT
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"capability\",\"bytes\":94,"
    "\"type\":\"list\"" "\"type\":\"namespace\"" "\"type\":\"status\"" "\"type\":\"search\""
    "\"type\":\"fetch\"" "\"type\":\"bye\"")
  string(FIND "${J_OUT}" "\"ok\":false" _at)
  if(NOT _at EQUAL -1)
    fail("a response of the Dovecot capture failed:\n${J_OUT}")
  endif()
  check_json(J --server "${_t}" --expect-failures 0 --expect-messages 39)
  run_tool(R --server "${_t}")  # the protocol guessed from the greeting
  expect_rc(R 0)
  expect_contains(R_OUT "# IMAP (guessed from the server's first line)" "S  offset 0  ok  54 bytes\n"
    "S  offset 177  capability  94 bytes\n")

elseif(CASE STREQUAL "imap_session")
  # AUTHENTICATE and IDLE: after the server's "+", the next client line is an
  # AUTHENTICATE response or DONE, not a command; APPEND's "+" to its literal is not.
  set(_t "${WORK_DIR}/imap-session.txt")
  file(WRITE "${_t}" "S: * OK ready\nC: A1 AUTHENTICATE PLAIN\nS: + \nC: AGJvYgBodW5ncnk=\nS: A1 OK done\nC: A2 SELECT INBOX\nS: * 3 EXISTS\nS: A2 OK [READ-WRITE] done\nC: A3 IDLE\nS: + idling\nS: * 4 EXISTS\nC: DONE\nS: A3 OK IDLE terminated\nC: A4 APPEND INBOX {5}\nS: + Ready\nC: hello\nS: A4 OK appended\nC: A5 LOGOUT\nS: * BYE logging out\nS: A5 OK bye\n")
  run_tool(S --json "${_t}")
  expect_rc(S 0)
  expect_contains(S_OUT
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"authenticate_response\",\"bytes\":18,\"wire\":\"AGJvYgBodW5ncnk=\\u000D\\u000A\"}\n"
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"idle_done\",\"bytes\":6,\"wire\":\"DONE\\u000D\\u000A\"}\n"
    "{\"dir\":\"C\",\"ok\":true,\"type\":\"APPEND\",\"bytes\":28,\"wire\":\"A4 APPEND INBOX {5}\\u000D\\u000Ahello\\u000D\\u000A\"}\n"
    "{\"dir\":\"S\",\"ok\":true,\"type\":\"continue\",\"bytes\":10,\"wire\":\"+ idling\\u000D\\u000A\"}\n")
  check_json(S --transcript "${_t}" --expect-failures 0 --expect-messages 19)
  run_tool(R "${_t}")
  expect_contains(R_OUT "next client line: an AUTHENTICATE response" "next client line: DONE, ending IDLE"
    "C  line 4  authenticate_response  18 bytes\n" "C  line 12  idle_done  6 bytes\n")
  # Without the server's side nothing says that "DONE" is not a command: a raw client
  # stream frames it as one, and it does not parse.
  set(_c "${WORK_DIR}/imap-client.raw")
  file(WRITE "${_c}" "A3 IDLE\r\nDONE\r\n")
  run_tool(C --imap --client --json "${_c}")
  expect_rc(C 1)
  expect_contains(C_OUT "{\"dir\":\"C\",\"ok\":true,\"type\":\"IDLE\",\"bytes\":9,")
  check_json(C --client "${_c}" --expect-failures 1 --expect-messages 2)

else()
  fail("unknown case")
endif()
