# include(traceability.cmake) defines the imported target traceability::traceability.
# TRACEABILITY_ROOT: an install prefix (include/, lib/) or a checkout whose library is
# built in ${TRACEABILITY_ROOT}/target/release.
set(TRACEABILITY_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." CACHE PATH "traceability install or checkout prefix")
find_path(TRACEABILITY_INCLUDE_DIR traceability.h HINTS "${TRACEABILITY_ROOT}/include" REQUIRED)
find_library(TRACEABILITY_LIBRARY traceability
    HINTS "${TRACEABILITY_ROOT}/lib" "${TRACEABILITY_ROOT}/target/release" REQUIRED)
if(NOT TARGET traceability::traceability)
    add_library(traceability::traceability UNKNOWN IMPORTED)
    set_target_properties(traceability::traceability PROPERTIES
        IMPORTED_LOCATION "${TRACEABILITY_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${TRACEABILITY_INCLUDE_DIR}")
endif()
