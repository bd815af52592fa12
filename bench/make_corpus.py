"""Write a large, realistic corpus of paperdeck digests for benchmarks and stress tests.

    python bench/make_corpus.py --papers 100000 --out bench/corpus [--seed 0]

The corpus holds both digest formats the README describes, laid out like the real files:

* ``YYYY-MM-DD.commentary.txt``: a commentary digest (Format A), one per day, about 10 papers,
  each with authors, abstract, Korean commentary, its English translation and hashtags.
* ``YYYY-MM-DD.hf-daily.txt``: a saved "Daily Papers" page (Format B), about 50 papers, with
  author counts or organisations, publication dates and upvotes.

About four papers in five go into Format B pages. The files cover consecutive days up to
2026-11-20; a day holds one file or one of each format. ``--papers N`` counts the entries
written: about 3% of the Format A papers show up again (same title, same abstract) in a later
Format B page, so the corpus exercises merging one paper seen twice, and the number of distinct
papers is N minus those repeats. All other titles are distinct, even after case-folding and
collapsing punctuation. Like the real files, the digests end without a final newline.

The same arguments always give byte-identical files. Rerunning into the same directory first
deletes the digests an earlier run wrote there (files named like the ones above), nothing else.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

LAST_DAY = date(2026, 11, 20)
OWN_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.(?:commentary|hf-daily)\.txt$")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
HF_HEADER = [
    "new",
    "",
    "Get trending papers in your email inbox!",
    "",
    "Subscribe",
    "",
    "Daily Papers",
    "",
    "byAK and the research community",
    "",
]
REPEAT_SHARE = 0.03  # share of Format A papers that reappear in a Format B page


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


ADJECTIVES = _split("""sparse|efficient|scalable|robust|adaptive|hierarchical|self-supervised|
    training-free|data-efficient|multimodal|unified|lightweight|parameter-efficient|asynchronous|
    provable|memory-efficient|length-generalizing|bidirectional|compositional|verifiable|
    decoupled|progressive|dynamic|causal|continual|federated|calibrated|interpretable|
    long-horizon|fine-grained""")
METHODS = _split("""mixture-of-experts|sparse attention|linear attention|state space models|
    diffusion transformers|low-rank adaptation|direct preference optimization|
    reinforcement learning from verifiable rewards|speculative decoding|KV cache compression|
    chain-of-thought prompting|test-time scaling|contrastive learning|knowledge distillation|
    flow matching|masked autoencoders|retrieval-augmented generation|process reward models|
    byte-level tokenization|quantization-aware training|curriculum learning|self-play|
    model merging|second-order optimizers|rotary position embeddings|register tokens|
    multi-token prediction|latent reasoning|tree search|reward shaping|world models|
    visual instruction tuning|synthetic data generation|early exiting|weight decay|
    layer normalization|prompt compression|tool-augmented agents|neural scaling laws|
    autoregressive image models""")
TASKS = _split("""long-context reasoning|mathematical reasoning|code generation|
    text-to-image generation|video understanding|tool use|multilingual translation|
    robotic manipulation|theorem proving|speech recognition|open-domain question answering|
    embodied agents|web navigation|protein design|document understanding|visual grounding|
    instruction following|software engineering|weather forecasting|recommendation|
    3D scene reconstruction|time series forecasting|chart understanding|medical imaging|
    dialogue systems|video generation|language model pretraining|preference alignment|
    graph learning|scientific discovery""")
PROPERTIES = _split("""limits|geometry|dynamics|robustness|sample complexity|expressivity|
    emergence|stability|role|hidden cost|inductive bias|memorization""")
NAME_HEADS = _split("""Flash|Sparse|Deep|Mega|Omni|Hyper|Open|Any|Meta|Self|Uni|Long|Fast|Tiny|
    Star|Lumi|Dyna|Neuro|Quant|Auto|Turbo|Nano|Poly|Echo|Zero|Spark|Vita|Astra|Kairos|Helix""")
NAME_TAILS = _split("""Attn|Former|Mamba|Diff|RL|Bench|Gen|Math|Coder|VLM|Agent|Router|Mix|Prune|
    Align|Tune|Flow|Cache|Scale|Reason|Prover|Search|Vision|Speech|Mem|Seg|Edit|Draft|Judge|Loop""")
NAME_ENDS = ("", "", "", "", "-2", "-R1", "v2", "-Zero", "-Lite", "-7B", "++", "-V", "-X")
TITLE_TEMPLATES = _split("""{Adj} {Method} for {Task}|{Name}: {Adj} {Method} for {Task}|
    {Name}: Towards {Adj} {Task}|Towards {Adj} {Task} via {Method}|
    {Method} Is All You Need for {Task}|On the {Property} of {Method} in {Task}|
    Rethinking {Method} for {Task}|{Method} for {Task}: When Does It Help?|
    Scaling {Method} for {Adj} {Task}|{Name}|Beyond {Method}: {Adj} {Method2} for {Task}|
    {Method} with {Method2} for {Task}|{Name}: {Method} Meets {Method2}|
    The {Property} of {Method}: Evidence from {Task}|{Name}: Learning {Task} with {Method}|
    Can {Method} Solve {Task}? {Adj} {Method2} at Scale|{Adj} {Task} without {Method}""")
DATASETS = _split("""GSM8K|MATH-500|AIME 2024|HumanEval|MBPP|LiveCodeBench|MMLU|MMLU-Pro|
    GPQA-Diamond|ImageNet-1K|COCO|LongBench|RULER|SWE-bench Verified|WebArena|VBench|
    LibriSpeech|ARC-Challenge|HellaSwag|BIG-Bench Hard|ScienceQA|ChartQA|DocVQA|MT-Bench|
    AlpacaEval 2.0|Arena-Hard""")
METRICS = _split("""accuracy|pass@1|FID|exact match|win rate|perplexity|throughput|BLEU|F1|
    success rate""")
MODELS = _split("""Llama-3-8B|Qwen2.5-7B|Qwen3-32B|Mistral-7B|GPT-4o|DeepSeek-R1|Gemma-2-9B|
    Phi-3-mini|OLMo-2-13B|DeepSeek-V3|Claude 3.5 Sonnet|o1-mini|MiniCPM4|Kimi-K2""")
SIZES = _split("125M|350M|1.3B|3B|7B|13B|32B|70B")
HANDLES = _split("""thu-nics|mlfoundations|RUCAIBox|VITA-Group|OpenGVLab|facebookresearch|
    google-research|microsoft|NVlabs|allenai|huggingface|sail-sg|hkust-nlp|princeton-nlp|
    stanford-crfm|kaist-ai|snu-mllab|naver-ai|ByteDance-Seed|QwenLM""")

INTROS = _split("""Research on {method} has produced a powerful paradigm for {task}, yet its cost grows quickly with model size.|
    Large language models (LLMs) have achieved remarkable progress on {task}, but the role of {method} remains poorly understood.|
    Recent advances in {method} have enabled impressive results on {task} and related problems.|
    {Task} is a central challenge for modern machine learning systems, and methods built on {method} are now a standard ingredient of strong solutions.|
    Scaling {method} has become the dominant recipe for {task}, driven by ever larger models and datasets.|
    While methods based on {method} work well in controlled settings, deploying them for {task} in the wild remains difficult.""")
PROBLEMS = _split("""However, existing approaches rely on hand-crafted heuristics that fail to generalize beyond the training distribution.|
    However, current methods often overlook the interaction between {method} and {method2}, leading to unstable training.|
    Progress in this area is hampered by the lack of {adj} benchmarks and by evaluation protocols that are costly to run.|
    In practice, these gains come at the price of a large memory footprint and a latency that grows with sequence length.|
    Moreover, it remains unclear whether the reported improvements stem from the method itself or from better tuned baselines.|
    Prior work treats {method2} as a fixed component, which limits both efficiency and final quality.""")
PROPOSALS = _split("""In this work, we introduce {name}, {a_adj} framework that combines {method} with {method2}.|
    We propose {name}, which reformulates {task} as a sequence of {adj} decisions learned end to end.|
    To address these issues, we present {name}, a simple and {adj} recipe built on {method}.|
    We introduce {name}, {a_adj} approach in which we use {method2} to guide {method} during both training and inference.|
    This paper presents {name}, which brings {adj} {method} to {task} at scale.""")
DETAILS = _split("""Specifically, {name} first estimates the importance of each token and then routes only the top-{k} tokens through the expensive layers.|
    Our key insight is that {method} and {method2} are complementary: the former provides coverage, while the latter provides precision.|
    We train models ranging from {size1} to {size2} parameters on {tokens} tokens and study how the benefits change with scale.|
    We also introduce a benchmark of {problems} carefully curated problems spanning {task} and {task2}.|
    The method adds no parameters at inference time and is compatible with existing {method2} pipelines.|
    Through a controlled analysis, we identify three failure modes of standard {method}: collapse, drift, and over-smoothing.|
    A lightweight auxiliary objective keeps the learned representations close to those of the base model (e.g., {model}).|
    We provide a theoretical analysis showing that the proposed estimator is unbiased and converges under mild assumptions.|
    Unlike prior work, our approach requires neither human annotations nor a separate reward model.|
    To stabilize training, we introduce {a_adj} schedule that gradually shifts the weight from {method} to {method2}.|
    The resulting models reason more concisely, producing answers that are {pct}% shorter on average.|
    Human evaluation further shows that annotators prefer our outputs in {share}% of pairwise comparisons.""")
RARE_DETAILS = _split("""We further derive a scaling law of the form $L(N) = a N^{{-\\alpha}} + b$ that predicts the final loss from small runs.|
    Unlike prior work, we prepend a learnable [CLS] token to each segment and train it with a contrastive objective.|
    Salient spans are wrapped in [bold]...[/bold] markers, and the model learns to predict them.|
    The implementation requires only a few lines on top of `torch.nn.functional.scaled_dot_product_attention`.|
    Building on earlier analyses (https://arxiv.org/abs/{arxiv}), we show that the effect persists at scale.|
    The variance of the gradient estimate is bounded by $O(1/\\sqrt{{n}})$, where $n$ is the number of rollouts.|
    Traditionally, a ``token'' is a discrete symbol; we instead operate on continuous latents (\\eg, VAE features).""")
RESULTS = _split("""Experiments on {dataset} and {dataset2} show that {name} improves {metric} by {pct}% over strong baselines.|
    {name} achieves state-of-the-art {metric} on {dataset}, outperforming {model} while using {x}x fewer FLOPs.|
    Extensive ablations confirm that each component contributes to the final performance.|
    Notably, a {size1} model trained with our method matches the performance of {model} on {dataset}.|
    Across {count} settings, our approach consistently improves {metric}, with the largest gains on {dataset2}.""")
CLOSINGS = _split("""We hope our findings inform future work on {task}.|
    These results point to {method} as a promising direction for {task}.|
    Our analysis also reveals open problems that we discuss in detail.""")
CODE_LINKS = _split("""Code and models are available at https://github.com/{handle}/{repo}.|
    Our code and data are publicly available at https://{site}.github.io/.|
    We release the dataset at https://huggingface.co/datasets/{handle}/{repo}.|
    Code is available at https://github.com/{handle}/{repo}""")

FIRST_NAMES = _split("""Wei|Jiayi|Yuxuan|Hao|Xin|Zhen|Min-Jun|Seung-Hoon|Jiwoo|Yen-Ting|Ananya|
    Rahul|Priya|Arjun|Kevin|Sarah|Emily|Michael|David|Laura|Thomas|Julia|Lucas|Sofia|Mateo|Elena|
    Ahmed|Fatima|Omar|Kenji|Yuki|Hiroshi|Olga|Dmitri|Ivan|Chloe|Noah|Amil|Tianyu|Qingxiu""")
LAST_NAMES = _split("""Chen|Wang|Li|Zhang|Liu|Kim|Lee|Park|Choi|Sharma|Gupta|Patel|Smith|Johnson|
    Brown|Garcia|Martinez|Muller|Schmidt|Rossi|Dubois|Tanaka|Sato|Suzuki|Ivanov|Petrov|Hassan|Khan|
    Nguyen|Tran|Levine|Abbeel|Dong|Wei|Huang|Zhao|Xu|Sun|Ma|Dravid""")
NICKNAMES = _split("David|Eric|Jack|Tony|Kevin|Grace|Amy|Leo|Max|Sam")
# A team that signs a paper, and the organisation line a Daily Papers page shows for it.
TEAMS = (
    ("Qwen Team", "Qwen Qwen"),
    ("MiniCPM Team", "openbmb OpenBMB"),
    ("Mistral.AI", "mistralai Mistral AI"),
    ("DeepSeek-AI", "deepseek-ai DeepSeek"),
    ("Kimi Team", "moonshotai Moonshot AI"),
    ("Gemma Team", "google Google"),
    ("Seed Team", "ByteDance-Seed ByteDance Seed"),
)
ORGS = _split("""deepseek-ai DeepSeek|showlab Show Lab|PekingUniversity Peking University|
    tencent Tencent|inclusionAI inclusionAI|Qwen Qwen|nvidia NVIDIA|allenai Ai2|
    facebook AI at Meta|microsoft Microsoft Research|google Google|apple Apple|
    HuggingFaceTB Hugging Face Smol Models Research|OpenGVLab OpenGVLab|Salesforce Salesforce""")
TAGS = _split("""llm|scaling-law|rl|reasoning|vit|transformer|hyperparameter|efficient-attention|
    math|benchmark|optimizer|sparsity|diffusion|moe|multimodal|agent|alignment|rlhf|dataset|
    tokenizer|pretraining|distillation|quantization|long-context|state-space-model|
    video-generation|image-generation|speech|code|retrieval|evaluation|interpretability|
    safety|robotics|vlm|synthetic-data|inference|kv-cache|lora""")

# English terms that Korean commentary mixes in, with whether their Korean reading ends in a
# final consonant (batchim), which decides the particle: "Sparse Attention을" but "MoE를".
KO_TERMS = (
    ("Sparse Attention", True),
    ("Linear Attention", True),
    ("MoE", False),
    ("RL", True),
    ("GRPO", False),
    ("DPO", False),
    ("LoRA", False),
    ("KV Cache", False),
    ("Diffusion", True),
    ("Flow Matching", True),
    ("Tokenizer", False),
    ("Scaling Law", False),
    ("Muon", True),
    ("Shampoo", False),
    ("Adam", True),
    ("Distillation", True),
    ("Speculative Decoding", True),
    ("Reward Model", True),
    ("CoT", False),
    ("Mamba", False),
    ("State Space Model", True),
    ("Model Merging", True),
    ("Self-Correction", True),
    ("Test-Time Scaling", True),
    ("Synthetic Data", False),
    ("Quantization", True),
    ("Register Token", True),
    ("RoPE", False),
    ("Top-K Routing", True),
    ("Verifier", False),
    ("Long Context", False),
    ("EMA", False),
)
KO_LINES = (
    ("{a}{a_eul} 사용했네요.", "They use {a}."),
    ("{a}{a_wa} {b}의 조합이군요.", "It is a combination of {a} and {b}."),
    ("{a}의 개선.", "An improvement on {a}."),
    ("{a}{a_eul} {b}에 그대로 적용했군요.", "They applied {a} directly to {b}."),
    ("{b}에서는 {a}{a_i} 중요하다는 결과.", "A result showing that {a} matters for {b}."),
    ("{m} 모델이 나왔군요.", "A new {m} model has been released."),
    ("흥미로운 결과네요.", "Interesting results."),
    ("공정한 비교가 조금 어렵긴 하군요.", "A fair comparison is somewhat difficult, though."),
    ("{a} 벤치마크. 평가 방식이 문제이긴 합니다.", "A benchmark for {a}. Evaluation is a concern, though."),
    ("{a}{a_eul} 대체하려는 시도.", "An attempt to replace {a}."),
    ("이전의 {a} 연구들과 비슷해 보이네요.", "It looks similar to earlier work on {a}."),
    ("{a}{a_ro} {b}{b_eul} 개선했다는 주장.", "The claim is that {a} improves {b}."),
    ("요즘 기준으로는 정석적인 세팅이군요.", "By current standards this is a conventional setup."),
    ("데이터셋 구축 과정이 흥미롭습니다.", "The dataset construction process is interesting."),
    ("{a}{a_i} 정말 필요한지에 대한 분석.", "An analysis of whether {a} is really necessary."),
    ("{s} 스케일까지 Scaling 실험을 했네요.", "They ran scaling experiments up to {s}."),
    ("{a}의 효율적인 근사를 사용한 {b}.", "{b} using an efficient approximation of {a}."),
    ("학습이 {x}배 빨라졌다고 하네요.", "Training is reportedly {x} times faster."),
    ("{a}{a_i} 없어도 된다는 게 재미있네요.", "It is fun to see that {a} is not needed."),
    ("{a}{a_eun} 여전히 강력한 베이스라인이군요.", "{a} is still a strong baseline."),
    ("이 방향의 후속 연구가 기대됩니다.", "I look forward to follow-up work in this direction."),
    ("{m}에 {a}{a_eul} 추가한 버전.", "A version of {m} with {a} added."),
    ("코드가 공개되어 있습니다: {url}", "The code is available: {url}"),
    ("관련 연구: {arx1} {arx2}", "Related work: {arx1} {arx2}"),
)

# Korean particles after a final consonant and after a vowel.
_PARTICLES = {"eul": ("을", "를"), "i": ("이", "가"), "wa": ("과", "와"), "ro": ("으로", "로"), "eun": ("은", "는")}
_SMALL_WORDS = {"of", "for", "and", "the", "to", "in", "with", "a", "on", "via", "from"}
_NOT_WORD = re.compile(r"[\W_]+")


def title_case(phrase: str) -> str:
    """'mixture-of-experts for long-context' -> 'Mixture-of-Experts for Long-Context'."""

    def part(word: str, first: bool) -> str:
        return word if (word in _SMALL_WORDS and not first) else word[:1].upper() + word[1:]

    return " ".join(
        "-".join(part(p, i == 0 and j == 0) for j, p in enumerate(w.split("-")))
        for i, w in enumerate(phrase.split(" "))
    )


def normalise_title(title: str) -> str:
    """The form of a title that decides whether two titles name one paper."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", title).casefold()).strip()


def _josa(key: str, term: str, batchim: bool) -> dict[str, str]:
    """A term and its Korean particles, as format fields named after key."""
    fields = {f"{key}_{name}": forms[0 if batchim else 1] for name, forms in _PARTICLES.items()}
    fields[key] = term
    return fields


KO_FIELDS = tuple((_josa("a", t, b), _josa("b", t, b)) for t, b in KO_TERMS)
TITLE_METHODS = tuple(title_case(m) for m in METHODS)
TITLE_TASKS = tuple(title_case(t) for t in TASKS)
METHOD_INDEXES = tuple(range(len(METHODS)))
TITLE_ADJECTIVES = {adj: title_case(adj) for adj in ADJECTIVES}
TITLE_PROPERTIES = tuple(title_case(p) for p in PROPERTIES)


@dataclass(slots=True)
class Paper:
    title: str
    abstract: str
    authors: str = ""  # what Format A shows between the parentheses
    n_authors: int = 0
    org: str = ""  # organisation line for Format B, when a team signs the paper


@dataclass(slots=True)
class Digest:
    kind: str  # "commentary" (Format A) or "hf-daily" (Format B)
    size: int
    day: date = LAST_DAY


class Writer:
    """Makes up papers, commentary and dates from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random
        self.seen: set[str] = set()

    # random.Random's choice/randint/sample are exact but slow; these are fast enough and
    # just as deterministic, which is all a corpus needs.
    def below(self, n: int) -> int:
        return int(self.random() * n)

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def some(self, seq: Sequence[T], k: int) -> list[T]:
        """k distinct items of seq in random order."""
        if k == 2:  # the common case, without copying seq
            first, second = self.below(len(seq)), self.below(len(seq) - 1)
            return [seq[first], seq[second + (second >= first)]]
        items = list(seq)
        for i in range(k):
            j = i + int(self.random() * (len(items) - i))
            items[i], items[j] = items[j], items[i]
        return items[:k]

    def name(self) -> str:
        if self.random() < 0.15:
            return "".join(self.pick("ABCDEGHILMPRSTV") for _ in range(self.between(3, 5)))
        joint = self.pick(("", "", "-"))
        return self.pick(NAME_HEADS) + joint + self.pick(NAME_TAILS) + self.pick(NAME_ENDS)

    def title(self) -> tuple[str, dict[str, str]]:
        """A title no earlier paper has, and its topic: name, adjective, methods and task."""
        while True:
            name = self.name()
            adj = self.pick(ADJECTIVES)
            method, method2 = self.some(METHOD_INDEXES, 2)
            task = self.below(len(TASKS))
            title = self.pick(TITLE_TEMPLATES).format(
                Name=name,
                Adj=TITLE_ADJECTIVES[adj],
                Method=TITLE_METHODS[method],
                Method2=TITLE_METHODS[method2],
                Task=TITLE_TASKS[task],
                Property=self.pick(TITLE_PROPERTIES),
            )
            key = normalise_title(title)
            if key not in self.seen:
                self.seen.add(key)
                return title, {
                    "name": name,
                    "adj": adj,
                    "method": METHODS[method],
                    "method2": METHODS[method2],
                    "task": TASKS[task],
                }

    def abstract(self, topic: dict[str, str]) -> str:
        """English prose of 600-1900 characters about the topic of a title."""
        name, method, task, adj = topic["name"], topic["method"], topic["task"], topic["adj"]
        dataset, dataset2 = self.some(DATASETS, 2)
        size1, size2 = sorted(self.some(SIZES, 2), key=SIZES.index)
        fields = dict(
            topic,
            Method=method[:1].upper() + method[1:],
            Task=task[:1].upper() + task[1:],
            task2=self.pick(TASKS),
            a_adj=("an " if adj[0] in "aeio" else "a ") + adj,
            dataset=dataset,
            dataset2=dataset2,
            metric=self.pick(METRICS),
            model=self.pick(MODELS),
            size1=size1,
            size2=size2,
            k=self.pick((4, 8, 16, 32, 64)),
            count=self.between(3, 12),
            problems=self.between(120, 5000),
            tokens=f"{self.between(2, 900)}B",
            pct=self.between(3, 48),
            share=self.between(52, 91),
            x=self.between(2, 20),
            handle=self.pick(HANDLES),
            repo=name.replace("+", ""),
            site=name.replace("+", "").lower(),
        )
        head = [self.pick(INTROS), self.pick(PROBLEMS), self.pick(PROPOSALS)]
        tail = [self.pick(RESULTS)]
        tail.append(self.pick(CODE_LINKS) if self.random() < 0.3 else self.pick(CLOSINGS))
        middle = self.some(DETAILS, 7)
        if self.random() < 0.1:
            middle.insert(self.between(0, 2), self.pick(RARE_DETAILS))
            fields["arxiv"] = self.arxiv_id()
        target = min(1900, max(600, int(self.rng.gauss(1200, 300))))
        used = sum(len(s) + 1 for s in head + tail)
        count = 0
        while count < len(middle) and used + len(middle[count]) <= target:
            used += len(middle[count]) + 1
            count += 1
        # Templates are about as long as their text; correct the estimate at the two limits.
        text = " ".join(head + middle[:count] + tail).format_map(fields)
        while len(text) < 600 and count < len(middle):
            count += 1
            text = " ".join(head + middle[:count] + tail).format_map(fields)
        while len(text) > 1900 and count > 0:
            count -= 1
            text = " ".join(head + middle[:count] + tail).format_map(fields)
        return text

    def arxiv_id(self) -> str:
        return f"{self.between(18, 26)}{self.between(1, 12):02d}.{self.between(1, 19999):05d}"

    def person(self, nested: bool) -> str:
        first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
        if nested:
            return f"{first} ({self.pick(NICKNAMES)}) {last}"
        if self.random() < 0.06:
            return f"{first} {self.pick('ABCDEJKMS')}. {last}"
        return f"{first} {last}"

    def author_count(self) -> int:
        r = self.rng.random()
        if r < 0.9:
            return self.rng.choices(range(1, 11), (3, 6, 9, 15, 15, 13, 13, 9, 8, 4))[0]
        return self.between(11, 30) if r < 0.99 else self.between(31, 130)

    def paper(self, with_names: bool) -> Paper:
        title, topic = self.title()
        paper = Paper(title, self.abstract(topic), n_authors=self.author_count())
        if not with_names:
            return paper
        paper.n_authors = min(paper.n_authors, 40)
        if self.random() < 0.05:
            paper.authors, paper.org = self.pick(TEAMS)
        else:
            nested = self.below(paper.n_authors) if self.random() < 0.04 else -1
            paper.authors = ", ".join(self.person(i == nested) for i in range(paper.n_authors))
        return paper

    def commentary(self) -> tuple[list[str], list[str]]:
        """Korean commentary lines and as many English lines that translate them."""
        r = self.rng
        korean: list[str] = []
        english: list[str] = []
        for _ in range(r.choices((1, 2, 3), (65, 27, 8))[0]):
            ko_parts, en_parts = [], []
            for ko, en in self.some(KO_LINES, r.choices((1, 2, 3), (35, 45, 20))[0]):
                first, second = self.some(KO_FIELDS, 2)
                fields = {
                    **first[0],
                    **second[1],
                    "m": self.pick(MODELS),
                    "s": self.pick(SIZES),
                    "x": self.between(2, 9),
                }
                if "{url}" in ko:
                    fields["url"] = f"https://github.com/{self.pick(HANDLES)}/{self.name()}"
                if "{arx1}" in ko:
                    fields["arx1"] = f"https://arxiv.org/abs/{self.arxiv_id()}"
                    fields["arx2"] = f"https://arxiv.org/abs/{self.arxiv_id()}"
                ko_parts.append(ko.format(**fields))
                en_parts.append(en.format(**fields))
            korean.append(" ".join(ko_parts))
            english.append(" ".join(en_parts))
        return korean, english

    def abstract_lines(self, abstract: str) -> list[str]:
        """The abstract as Format A writes it: mostly one line, sometimes broken around a URL."""
        if self.random() >= 0.08:
            return [abstract]
        at = abstract.find("https://")
        if at > 0 and self.random() < 0.8:
            end = abstract.find(" ", at)
            end = len(abstract) if end < 0 else end
            url = abstract[at:end].rstrip(".")
            rest = abstract[at + len(url) :].strip()
            return [abstract[:at].rstrip(), url] + ([rest] if rest else [])
        cut = abstract.find(" ", self.between(len(abstract) // 3, 2 * len(abstract) // 3))
        return [abstract[:cut], abstract[cut + 1 :]] if cut > 0 else [abstract]

    def tag_line(self) -> str:
        count = self.rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        return " ".join("#" + tag for tag in self.some(TAGS, count))

    def pub_date(self, page: date, this_year_share: float) -> date:
        """When a paper on a page dated page was published: this year or an earlier one."""
        if self.random() < this_year_share:
            return page - timedelta(days=self.below(page.timetuple().tm_yday))
        pick = self.random()
        back = 1 if pick < 0.6 else 2 if pick < 0.8 else self.between(3, 12)
        return self.day_in_year(page.year - back)

    def day_in_year(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=self.below(365))

    def upvotes(self) -> str:
        if self.random() < 0.55:
            return ""
        return f" {self.between(1, 3) if self.random() < 0.7 else self.between(4, 40)}"


def month_day(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def render_commentary(writer: Writer, day: date, papers: list[Paper]) -> str:
    """A Format A digest: the Korean date header, then each paper's block."""
    lines = [f"{day.year}년 {day.month}월 {day.day}일"]
    for paper in papers:
        lines += [paper.title, f"({paper.authors})", *writer.abstract_lines(paper.abstract)]
        korean, english = writer.commentary()
        lines += korean + english
        if writer.rng.random() >= 0.05:
            lines.append(writer.tag_line())
    return "\n".join(lines)


def render_hf_daily(writer: Writer, day: date, papers: list[Paper]) -> str:
    """A Format B page: the page header and date, then each paper with its meta block."""
    r = writer.rng
    this_year_share = r.uniform(0.2, 0.9)
    metas = [r.random() >= 0.04 for _ in papers]
    if not any(metas):
        metas[0] = True
    dates = [writer.pub_date(day, this_year_share) if meta else None for meta in metas]
    if not any(d is not None and d.year == day.year - 1 for d in dates):
        slot = r.choice([i for i, meta in enumerate(metas) if meta])
        dates[slot] = writer.day_in_year(day.year - 1)
    lines = [*HF_HEADER, month_day(day), ""]
    for paper, pub in zip(papers, dates, strict=True):
        lines += [paper.title, "", paper.abstract, ""]
        if pub is None:
            continue
        org = paper.org or (r.choice(ORGS) if r.random() < 0.1 else "")
        shown = month_day(pub) if pub.year == day.year else f"{month_day(pub)}, {pub.year}"
        lines += [org or f"  • {paper.n_authors} authors", "·", shown + writer.upvotes(), ""]
    return "\n".join(lines).rstrip("\n")


def plan_digests(rng: random.Random, papers: int) -> list[Digest]:
    """Digest kinds and sizes, oldest first, adding up to papers; about 1 paper in 5 in Format A."""
    plan: list[Digest] = []
    written = {"commentary": 0, "hf-daily": 0}
    while sum(written.values()) < papers:
        kind = "commentary" if written["commentary"] * 4 <= written["hf-daily"] else "hf-daily"
        size = rng.randint(6, 14) if kind == "commentary" else rng.randint(40, 60)
        size = min(size, papers - sum(written.values()))
        written[kind] += size
        plan.append(Digest(kind, size))
    return plan


def assign_days(rng: random.Random, plan: list[Digest]) -> None:
    """Give the digests consecutive days ending on LAST_DAY; some days get one of each kind."""
    groups: list[list[Digest]] = []
    for digest in plan:
        last = groups[-1] if groups else None
        if last and len(last) == 1 and last[0].kind != digest.kind and rng.random() < 0.35:
            last.append(digest)
        else:
            groups.append([digest])
    first_day = LAST_DAY - timedelta(days=len(groups) - 1)
    for offset, group in enumerate(groups):
        for digest in group:
            digest.day = first_day + timedelta(days=offset)


def clear_previous(out: Path) -> None:
    """Delete the digests an earlier run wrote into out, and nothing else."""
    for path in out.iterdir():
        if OWN_FILE.match(path.name) and path.is_file():
            path.unlink()


def write_corpus(papers: int, out: Path, seed: int) -> tuple[int, int, int]:
    """Write the corpus; return the number of files, of distinct titles, and of bytes."""
    rng = random.Random(seed)
    writer = Writer(rng)
    plan = plan_digests(rng, papers)
    assign_days(rng, plan)
    out.mkdir(parents=True, exist_ok=True)
    clear_previous(out)
    pool: list[Paper] = []  # Format A papers that have not reappeared yet
    seen_in_a = repeats = total_bytes = 0
    for digest in plan:
        if digest.kind == "commentary":
            batch = [writer.paper(with_names=True) for _ in range(digest.size)]
            pool += batch
            seen_in_a += digest.size
            text = render_commentary(writer, digest.day, batch)
        else:
            due = math.ceil(REPEAT_SHARE * seen_in_a) - repeats
            again = min(max(due, 0), digest.size // 5, len(pool))
            batch = [writer.paper(with_names=False) for _ in range(digest.size - again)]
            for _ in range(again):
                pick = rng.randrange(len(pool))
                pool[pick], pool[-1] = pool[-1], pool[pick]
                batch.insert(rng.randint(0, len(batch)), pool.pop())
            repeats += again
            text = render_hf_daily(writer, digest.day, batch)
        data = text.encode("utf-8")
        (out / f"{digest.day.isoformat()}.{digest.kind}.txt").write_bytes(data)
        total_bytes += len(data)
    return len(plan), papers - repeats, total_bytes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of paperdeck digests.")
    parser.add_argument("--papers", type=int, required=True, help="paper entries to write (N >= 1)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.papers < 1:
        parser.error("--papers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        files, distinct, size = write_corpus(args.papers, args.out, args.seed)
    except OSError as error:
        print(f"make_corpus: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(
        f"make_corpus: {files} files, {args.papers} papers ({distinct} distinct), "
        f"{size} bytes, {seconds:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
