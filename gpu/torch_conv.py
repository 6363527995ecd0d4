"""PyTorch (cuDNN, TF32 off) timings of what ConvBenchmark times in Smok: one 3x3 conv layer's
forward, input gradient and weight gradient, and a LeNet-5 Adam training step.
Usage: torch_conv.py [batch=256] [channels=64] [size=14] [lenet_batch=256]"""
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
c = int(sys.argv[2]) if len(sys.argv) > 2 else 64
hw = int(sys.argv[3]) if len(sys.argv) > 3 else 14
ln = int(sys.argv[4]) if len(sys.argv) > 4 else 256
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
dev = "cuda"


def timed(fn, iters=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(iters):
        fn()
    e.record()
    torch.cuda.synchronize()
    return s.elapsed_time(e) / iters


x = torch.randn(n, c, hw, hw, device=dev)
w = torch.randn(c, c, 3, 3, device=dev)
g = torch.randn(n, c, hw, hw, device=dev)
flops = 2.0 * n * c * hw * hw * c * 9
for name, fn in [("forward", lambda: F.conv2d(x, w, padding=1)),
                 ("input grad", lambda: torch.nn.grad.conv2d_input(x.shape, w, g, padding=1)),
                 ("weight grad", lambda: torch.nn.grad.conv2d_weight(x, w.shape, g, padding=1))]:
    ms = timed(fn)
    print(f"torch {torch.__version__} conv {name}: {ms:.3f} ms, {flops / ms / 1e9:.2f} TFLOP/s")

lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).to(dev)
opt = torch.optim.Adam(lenet.parameters(), lr=1e-3)
xb = torch.rand(ln, 1, 28, 28, device=dev)
yb = torch.randint(0, 10, (ln,), device=dev)


def step():
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(lenet(xb), yb).backward()
    opt.step()


print(f"torch LeNet-5 Adam training step, batch {ln}: {timed(step):.3f} ms on {torch.cuda.get_device_name()}")
