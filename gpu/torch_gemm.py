"""PyTorch float32 GEMM timing with TF32 disabled, the baseline for Smok's generated GEMM."""
import sys
import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
a = torch.rand(n, n, device="cuda") * 2 - 1
b = torch.rand(n, n, device="cuda") * 2 - 1
for _ in range(3):
    c = a @ b
torch.cuda.synchronize()
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
iters = 20
start.record()
for _ in range(iters):
    c = a @ b
end.record()
torch.cuda.synchronize()
ms = start.elapsed_time(end) / iters
print(f"torch {torch.__version__} gemm {n}^3 fp32 (tf32 off): {ms:.3f} ms, {2 * n**3 / ms / 1e9:.2f} TFLOP/s on {torch.cuda.get_device_name()}")
