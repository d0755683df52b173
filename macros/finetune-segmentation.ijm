// MedVP: fine-tune a segmentation model from a pre-training run: BrainMVP's UniFormer (UNETR decoder) or MG-3D's
// Swin (SwinUNETR decoder), the encoder's family and size read from init.
//
//   ImageJ-linux64 --headless -macro finetune-segmentation.ijm "data=[/data/brats] output=[/runs/seg] init=[/runs/brainmvp/checkpoints/last.safetensors]"
// Arguments (ImageJ option syntax):
//   data     folder of <case>_<modality>.nii.gz studies with <case>_seg.nii.gz labels, or a manifest   (required)
//   output   run folder: metrics.csv, curves.png, checkpoints/best.safetensors                        (required)
//   init     pre-training run or checkpoint (BrainMVP or MG-3D), or reference weights (.pt)  (default: none)
//   labels   brats, brats2023, binary, regions:... or classes:...                              (default brats)
//   preset   auto (init's; UniFormer-S without init), small, tiny, b or l                       (default auto)
//   epochs   training epochs                                                                     (default 300)
//   device   auto, cpu, gpu or gpu:N                                                            (default auto)
//   more     further settings of "Fine-tune Segmentation", e.g. more=[batch=2 resume]   (./medvp help finetune-seg)
args = getArgument();
data = call("ij.Macro.getValue", args, "data", "");
output = call("ij.Macro.getValue", args, "output", "");
if (data == "" || output == "")
    exit("finetune-segmentation.ijm needs data=[studies] output=[run folder]");
init = call("ij.Macro.getValue", args, "init", "");
labels = call("ij.Macro.getValue", args, "labels", "brats");
preset = call("ij.Macro.getValue", args, "preset", "auto");
epochs = call("ij.Macro.getValue", args, "epochs", "300");
device = call("ij.Macro.getValue", args, "device", "auto");
more = call("ij.Macro.getValue", args, "more", "");
options = "data=[" + data + "] output=[" + output + "] labels=[" + labels + "] preset=" + preset + " epochs=" + epochs
    + " device=" + device + " " + more;
if (init != "") options = options + " init=[" + init + "]";

// Template replacement is a checkbox, ticked by default: as in any recorded ImageJ dialog an absent checkbox means
// unticked, so tick it here unless more=[...] decides (templates=false turns it off).
if (indexOf(" " + more, " templates") < 0) options = options + " templates";
run("Fine-tune Segmentation (macro)", options);
print(call("io.github.medvp.fiji.MacroBridge.output", "summary"));
print("model: " + output + "/checkpoints/best.safetensors");
