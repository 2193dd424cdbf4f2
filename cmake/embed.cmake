# hd_embed(OUT_C SYMBOL FILE...) turns files into a C source holding one
# NUL-terminated string per file plus a table, so SQL and templates ship
# inside the binaries and cannot drift from them.
function(hd_embed out symbol)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            "-DFILES=${files}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    VERBATIM)
endfunction()
