# Embeds the NPU presets (configs/<name>.json) into vitc_runtime as C++ raw
# string literals, so `--npu-config small` works from an installed runtime
# with no source tree and no path baked in. The .json files stay the single
# source of truth: editing one reruns CMake, which regenerates Presets.cpp.
# Included from runtime/CMakeLists.txt after add_library(vitc_runtime ...).
set(VITC_NPU_PRESETS small mid large) # smallest first; npuPresetNames() order
set(VITC_NPU_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VITC_NPU_PRESET_ENTRIES "")
foreach(preset IN LISTS VITC_NPU_PRESETS)
  set(json_file ${CMAKE_CURRENT_LIST_DIR}/configs/${preset}.json)
  file(READ ${json_file} json_text)
  string(FIND "${json_text}" ")vitc_json\"" delimiter_at)
  if(NOT delimiter_at EQUAL -1)
    message(FATAL_ERROR "${json_file} contains the raw-string delimiter )vitc_json\"")
  endif()
  string(APPEND VITC_NPU_PRESET_ENTRIES
         "      {\"${preset}\", R\"vitc_json(${json_text})vitc_json\"},\n")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${json_file})
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/Presets.cpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/npu/Presets.cpp @ONLY)
target_sources(vitc_runtime PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/npu/Presets.cpp)
