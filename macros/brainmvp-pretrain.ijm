// MedVP: BrainMVP pre-training on a folder of studies (or a manifest), then its modality templates as NIfTI.
//
// In Fiji: Plugins > Macros > Run... and pick this file, or headless:
//   ImageJ-linux64 --headless -macro brainmvp-pretrain.ijm "data=[/data/brats] output=[/runs/brainmvp]"
// Arguments (ImageJ option syntax; brackets around values with spaces):
//   data     folder of <case>_<modality>.nii.gz studies, or a manifest .json      (required)
//   output   run folder: config.json, metrics.csv, curves.png, checkpoints/       (required)
//   preset   small (the reference's UniFormer-S) or tiny                           (default small)
//   epochs   training epochs                                                       (default 1500)
//   device   auto, cpu, gpu or gpu:N                                               (default auto)
//   more     further settings of "BrainMVP Pretrain", e.g. more=[batch=2 resume]   (./medvp help brainmvp-pretrain)
// Cancel with Esc: training stops at the next step with a valid checkpoint; run again with more=[resume].
args = getArgument();
data = call("ij.Macro.getValue", args, "data", "");
output = call("ij.Macro.getValue", args, "output", "");
if (data == "" || output == "")
    exit("brainmvp-pretrain.ijm needs data=[folder or manifest] output=[run folder]");
preset = call("ij.Macro.getValue", args, "preset", "small");
epochs = call("ij.Macro.getValue", args, "epochs", "1500");
device = call("ij.Macro.getValue", args, "device", "auto");
more = call("ij.Macro.getValue", args, "more", "");

run("BrainMVP Pretrain (macro)", "data=[" + data + "] output=[" + output + "] preset=" + preset
    + " epochs=" + epochs + " device=" + device + " " + more);
print(call("io.github.medvp.fiji.MacroBridge.output", "summary"));

// The learned templates, normalised to [0, 1], for fine-tuning with template mixing.
run("BrainMVP Export Templates (macro)", "checkpoint=[" + output + "/checkpoints/last.safetensors] output=["
    + output + "/exported-templates]");
print("templates: " + output + "/exported-templates");
