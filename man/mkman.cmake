# mkman.cmake - cmake -DIN=page.in -DOUT=page -DGEN="prog;args" -DVERSION=V -P
# Runs the generator (a program printing roff from its own tables) and puts
# its output where the page's prose says @GENERATED@.
cmake_policy(VERSION 3.25)
execute_process(COMMAND ${GEN} OUTPUT_VARIABLE body RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GEN}: exit ${rc}")
endif()
file(READ ${IN} page)
string(REPLACE "@GENERATED@\n" "${body}" page "${page}")
string(REPLACE "@VERSION@" "${VERSION}" page "${page}")
file(WRITE ${OUT} "${page}")
