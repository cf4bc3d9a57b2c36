{
  # The addon: C++ N-API glue compiled by the host compiler, CUDA kernels (.cu) compiled by nvcc
  # for sm_90 plus compute_90 PTX (so newer GPUs JIT it), and the CUDA runtime linked statically,
  # so the .node needs only libc/libstdc++ and loads libcuda.so.1 at the first CUDA call.
  # cuBLAS is not linked: it is opened with dlopen at run time (csrc/cublas_loader.cc).
  "variables": {
    "cuda_home%": "<!(node -p \"process.env.CUDA_HOME || '/usr/local/cuda'\")",
  },
  "targets": [
    {
      "target_name": "strata_cuda",
      "sources": [
        "csrc/module.cc",
        "csrc/bindings.cc",
        "csrc/device.cc",
        "csrc/allocator.cc",
        "csrc/cublas_loader.cc",
        "csrc/elementwise.cu",
        "csrc/reduce.cu",
        "csrc/movement.cu",
        "csrc/conv.cu",
        "csrc/gemm.cu",
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<(cuda_home)/include",
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions"],
      "libraries": ["<(cuda_home)/lib64/libcudart_static.a", "-ldl", "-lpthread", "-lrt"],
      "rules": [
        {
          "rule_name": "nvcc",
          "extension": "cu",
          "inputs": ["<(RULE_INPUT_PATH)", "csrc/kernels.h", "csrc/launch.cuh"],
          "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o"],
          "action": [
            "<(cuda_home)/bin/nvcc", "-std=c++17", "-O3",
            "-gencode=arch=compute_90,code=sm_90", "-gencode=arch=compute_90,code=compute_90",
            "-Xcompiler", "-fPIC", "-c", "<(RULE_INPUT_PATH)", "-o", "<@(_outputs)",
          ],
          "message": "nvcc <(RULE_INPUT_PATH)",
          "process_outputs_as_sources": 1,
        },
      ],
    },
  ],
}
