"""PyTorch training and inference throughput for Smok's mlp and lenet5, measured the way
`smok throughput` measures Smok: each training step copies a host batch to the GPU, runs
forward, backward and Adam, and reads the loss back; inference copies the batch in and the
outputs back. Usage: torch_train.py [batch=256] [steps=100] [warmup=20]."""
import sys
import time
import torch
import torch.nn as nn

batch = int(sys.argv[1]) if len(sys.argv) > 1 else 256
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 100
warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 20
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"


def mlp():  # Perceptrons.mlp: 784-512-512-10
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def lenet5():  # Cnns.lenet5
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


for name, build, lr in (("mlp", mlp, 5e-4), ("lenet5", lenet5, 1e-3)):
    torch.manual_seed(1)
    model = build().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    lossf = nn.CrossEntropyLoss()
    xs = [torch.rand(batch, 1, 28, 28) for _ in range(8)]
    ys = [torch.randint(0, 10, (batch,)) for _ in range(8)]

    def step(i):
        x, y = xs[i % 8].to(dev), ys[i % 8].to(dev)
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(warmup):
        step(i)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for i in range(steps):
        loss = step(i)
    train = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        for i in range(warmup):
            model(xs[i % 8].to(dev)).softmax(1).cpu()
        t0 = time.perf_counter()
        for i in range(steps):
            model(xs[i % 8].to(dev)).softmax(1).cpu()
        infer = time.perf_counter() - t0
    print(f"torch {name} cuda batch {batch}: train {steps * batch / train:.0f} images/s ({train * 1e3 / steps:.3f} ms/step, "
          f"last loss {loss:.4f}), inference {steps * batch / infer:.0f} images/s [{torch.__version__}, {torch.cuda.get_device_name()}]")
