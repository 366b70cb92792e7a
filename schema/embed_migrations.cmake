# Writes OUTPUT: the numbered SQL migrations as a C++ array of {name, text}, so that the
# coordinator carries its schema with it. Run by the build whenever a migration changes.
file(GLOB migrations ${MIGRATIONS_DIR}/*.sql)
list(SORT migrations)
set(body "")
foreach(path ${migrations})
  get_filename_component(name ${path} NAME_WE)
  file(READ ${path} text)
  string(APPEND body "    {\"${name}\", R\"strata_sql(${text})strata_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from schema/migrations/*.sql by schema/embed_migrations.cmake.\n{\n${body}}\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
