"""PyTorch's side of the GPU check, on the same GPU in the same run: fp32 matMul (cuBLAS, TF32
off, as on Strata's side), and eager MLP and CNN training steps of the same shapes as
bench-strata.mjs (Adam, cross-entropy, loss.item() each step as trainOnBatch reads its loss).
Usage: python3 bench-torch.py <spec.json> <out.json>"""
import json
import sys
import time

import torch
from torch import nn

spec_path, out_path = sys.argv[1], sys.argv[2]
spec = json.load(open(spec_path))
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
device = torch.device("cuda")
result = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "matMul": {}, "steps": {}}
print(f"pytorch {torch.__version__} on {result['device']}")


def seconds(run, repeats):
    run()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats


for n in spec["matMulSizes"]:
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    t = seconds(lambda: torch.matmul(a, b), spec["matMulRepeats"][str(n)])
    result["matMul"][str(n)] = 2 * n**3 / t / 1e9
    print(f"matMul {n}^3: {result['matMul'][str(n)]:.0f} GFLOP/s")


def step_ms(name, model, input_shape, cfg):
    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(cfg["batch"], *input_shape, device=device)
    y = torch.randint(0, 10, (cfg["batch"],), device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(cfg["warmupSteps"]):
        step()
    start = time.perf_counter()
    for _ in range(cfg["steps"]):
        step()
    ms = (time.perf_counter() - start) * 1000 / cfg["steps"]
    print(f"{name} training step (batch {cfg['batch']}): {ms:.2f} ms")
    return ms


mlp = spec["mlp"]
result["steps"]["mlp"] = step_ms("MLP", nn.Sequential(nn.Linear(784, mlp["hidden"]), nn.ReLU(), nn.Linear(mlp["hidden"], 10)), (784,), mlp)
cnn = spec["cnn"]
f1, f2 = cnn["filters"]
result["steps"]["cnn"] = step_ms("CNN", nn.Sequential(
    nn.Conv2d(1, f1, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(f1, f2, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(f2 * 5 * 5, cnn["dense"]), nn.ReLU(), nn.Linear(cnn["dense"], 10)), (1, 28, 28), cnn)

json.dump(result, open(out_path, "w"), indent=2)
