# CPU-only build of the same addon with node-gyp, for machines without CMake.
# CMakeLists.txt is the build of record; CI builds this one too so it cannot rot.
{
  "targets": [
    {
      "target_name": "surrogate_rt",
      "sources": [
        "<!@(node -p \"['core','cpu','binding'].flatMap(d => require('fs').readdirSync('native/' + d).filter(f => f.endsWith('.cc')).map(f => 'native/' + d + '/' + f)).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] } }
    }
  ]
}
