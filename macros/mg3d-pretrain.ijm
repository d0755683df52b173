// MedVP: MG-3D vision-language pre-training of a 3D Swin on volume-report pairs; its encoder then fine-tunes with
// finetune-segmentation.ijm init=[<output>] (the Swin's size and axis order come from the run).
//
// In Fiji: Plugins > Macros > Run... and pick this file, or headless:
//   ImageJ-linux64 --headless -macro mg3d-pretrain.ijm "data=[/data/ct-rate/train_reports.csv] output=[/runs/mg3d]"
// Arguments (ImageJ option syntax; brackets around values with spaces):
//   data     CT-RATE-style report list (.csv: VolumeName, Findings_EN, ...) or a manifest with reports  (required)
//   output   run folder: config.json, metrics.csv, curves.png, vocab.txt, checkpoints/                    (required)
//   preset   b (the reference's Swin-B with BERT), l, or tiny                                 (default b)
//   epochs   training epochs                                                                   (default 60)
//   device   auto, cpu, gpu, gpu:N or gpu:0,1,...                                               (default auto)
//   more     further settings of "MG-3D Pretrain", e.g. more=[batch=2 cml=volume_report]   (./medvp help mg3d-pretrain)
// Cancel with Esc: training stops at the next step with a valid checkpoint; run again with more=[resume].
args = getArgument();
data = call("ij.Macro.getValue", args, "data", "");
output = call("ij.Macro.getValue", args, "output", "");
if (data == "" || output == "")
    exit("mg3d-pretrain.ijm needs data=[report list or manifest] output=[run folder]");
preset = call("ij.Macro.getValue", args, "preset", "b");
epochs = call("ij.Macro.getValue", args, "epochs", "60");
device = call("ij.Macro.getValue", args, "device", "auto");
more = call("ij.Macro.getValue", args, "more", "");

run("MG-3D Pretrain (macro)", "data=[" + data + "] output=[" + output + "] preset=" + preset + " epochs=" + epochs
    + " device=" + device + " " + more);
print(call("io.github.medvp.fiji.MacroBridge.output", "summary"));
print("encoder: " + output + "/checkpoints/last.safetensors");
