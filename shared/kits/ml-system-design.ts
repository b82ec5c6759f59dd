import type { Kit } from './kit.js'

/**
 * The built-in seven-step kit for a 45-minute ML system design interview.
 * Pure data: validated with `Kit.parse` in `./index.ts`.
 */
export const mlSystemDesignKit: Kit = {
  id: 'ml-system-design',
  version: 1,
  builtIn: true,
  title: 'ML system design (45 min)',
  description:
    'A seven-step walk from business requirements to a monitored production system, in which the candidate drives and the interviewer probes, keeps time and scores each step.',
  steps: [
    {
      key: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      prompts: [
        'State the business objective the system exists to move.',
        'List the product features the system must support, and what is out of scope.',
        'Ask what data exists: sources, volume, and whether labels are available.',
        'Pin down constraints: latency budget, compute, privacy and regulation.',
        'Estimate scale: number of users and items, queries per second, growth.',
        'Agree on what "good enough" performance means for a first version.',
      ],
      hints: [
        'If you had to pick one number to report to leadership, which would it be?',
        'Which of these requirements would change your design the most if it turned out to be wrong?',
        'Is this a new product or are we replacing an existing system? What does the current one do?',
      ],
      anchors: {
        mid: 'Asks a handful of sensible questions about data and scale, mostly when prompted, and moves on with reasonable assumptions.',
        senior:
          'Drives the clarification unprompted, covers objective, data, constraints and scale, and writes down explicit assumptions that later steps rely on.',
        staff:
          'Uncovers the requirements that shape the architecture (latency, cold start, policy or privacy limits), questions whether ML is needed at all, and scopes a version one against later phases.',
      },
    },
    {
      key: 'frame',
      title: 'Frame the problem as an ML task',
      minutes: 5,
      prompts: [
        'Translate the business objective into an ML objective that can be optimised.',
        'Define the input and the output of the model.',
        'Name the ML category: classification, regression, ranking, retrieval or generation.',
        'For ranking problems, say whether a pointwise, pairwise or listwise approach fits.',
      ],
      hints: [
        'How confident are you that improving this ML objective actually moves the business metric?',
        'Would you use one model or several stages? Why?',
        'What proxy are you optimising, and how could optimising it go wrong?',
      ],
      anchors: {
        mid: 'Picks a plausible ML category and defines input and output, though the link to the business goal stays implicit.',
        senior:
          'Chooses an ML objective that clearly serves the business goal, explains why it is a good proxy, and frames the system as stages where that helps.',
        staff:
          'Compares several framings and their failure modes (proxy gaming, feedback loops), and can combine multiple objectives with a clear rationale for the weights.',
      },
    },
    {
      key: 'data',
      title: 'Data preparation',
      minutes: 7,
      prompts: [
        'Identify the data sources and where each is stored (e.g. a key-value store for profiles, a data lake for logs).',
        'Explain how labels are obtained: natural labels from user behaviour, human labelling, or both.',
        'Propose features, separating static ones (profile, item metadata) from dynamic ones (recent activity).',
        'Handle missing values, class imbalance and sampling.',
        'Address privacy: what must not be used, retention, and consent.',
      ],
      hints: [
        'How long does it take for a label to arrive, and how does that delay affect training?',
        'Which feature do you expect to be the most predictive, and how would you check?',
        'How would you avoid leaking information from the future into training examples?',
        'What biases are present in the logged data, and how would you correct for them?',
      ],
      anchors: {
        mid: 'Lists relevant data sources and a reasonable set of features, and mentions handling missing values.',
        senior:
          'Defines labels precisely, designs static and dynamic features with their freshness needs, and handles imbalance, sampling and leakage deliberately.',
        staff:
          'Reasons about label delay, selection bias in logged data and privacy constraints, and designs data pipelines that scale and remain consistent between training and serving.',
      },
    },
    {
      key: 'model',
      title: 'Model development',
      minutes: 8,
      prompts: [
        'Start from a simple baseline and say what it would already achieve.',
        'Choose a model and explain its trade-offs (e.g. logistic regression, GBDT, two-tower network, deep ranker).',
        'Describe how training examples are built, including negatives.',
        'Pick a loss function and regularisation suited to the task.',
        'Say whether distributed training is needed, and how.',
      ],
      hints: [
        'Why not start with the simplest model you mentioned? What would make you move past it?',
        'Where do your negative examples come from, and how does that choice bias the model?',
        'How would the model handle a brand-new user or item?',
        'How large is the model, and how often can you afford to retrain it?',
      ],
      anchors: {
        mid: 'Proposes one suitable model and describes its inputs and training at a high level.',
        senior:
          'Starts from a baseline, compares two or three model families on accuracy, latency and cost, and specifies training data, loss and regularisation.',
        staff:
          'Designs the modelling strategy across stages, anticipates cold start and negative-sampling bias, and weighs model complexity against serving cost and iteration speed.',
      },
    },
    {
      key: 'evaluate',
      title: 'Evaluation',
      minutes: 7,
      prompts: [
        'Choose offline metrics suited to the task: precision, recall, F1, ROC-AUC, PR-AUC, MAE; NDCG, MRR or mAP for ranking.',
        'Choose online metrics and business KPIs: click-through rate, conversion, revenue per user, retention.',
        'Explain how an A/B test would be run to validate a new model.',
        'Name the counter-metrics that must not degrade.',
      ],
      hints: [
        'Your offline metric improved but the A/B test is flat. What could explain that?',
        'How long would the A/B test run, and how would you size it?',
        'How would you evaluate fairness or performance on small segments?',
      ],
      anchors: {
        mid: 'Names a correct offline metric for the task.',
        senior: 'Pairs offline and online metrics and explains how the A/B test is set up and read.',
        staff:
          'Discusses metric trade-offs and counter-metrics, and explains why offline gains may not transfer online and what to do about it.',
      },
    },
    {
      key: 'serve',
      title: 'Deployment and serving',
      minutes: 8,
      prompts: [
        'Choose online (real-time behind an API) or batch (pre-computed into a key-value store) prediction, and justify it.',
        'Use a feature store so training and serving compute features the same way.',
        'Split into candidate generation and ranking where the item space is large.',
        'Place caches and streaming pipelines (e.g. Redis, Kafka, Flink) where freshness or latency needs them.',
        'Fit the latency budget: model compression, approximate nearest neighbours, horizontal scaling.',
      ],
      hints: [
        'Walk me through one request end to end. Where does the time go?',
        'What happens if the feature store or the model server is down?',
        'How would you roll out a new model version without risking all traffic?',
      ],
      anchors: {
        mid: 'Describes a working serving path with a model behind an API and mentions caching.',
        senior:
          'Chooses between online and batch prediction with reasons, uses a feature store and a retrieval-then-ranking pipeline, and meets a stated latency budget.',
        staff:
          'Designs for scale and failure: capacity estimates, graceful degradation, training-serving skew prevention, and cost trade-offs between freshness and compute.',
      },
    },
    {
      key: 'monitor',
      title: 'Monitoring and maintenance',
      minutes: 5,
      prompts: [
        'List what to monitor: operational metrics (latency, errors, throughput) and model metrics (prediction distribution, accuracy).',
        'Explain how data drift and concept drift would be detected.',
        'Set alerting thresholds and a retraining cadence or trigger.',
        'Describe safe releases: shadow and canary deployments, and rollbacks.',
      ],
      hints: [
        'Labels arrive late. How would you know the model is getting worse before they do?',
        'How could the model’s own predictions feed back into its training data?',
        'What would make you roll back a model, and how quickly could you do it?',
      ],
      anchors: {
        mid: 'Mentions monitoring latency and accuracy and retraining the model periodically.',
        senior:
          'Separates operational and model monitoring, detects drift with concrete signals, and ties retraining and rollback to alerts.',
        staff:
          'Addresses feedback loops and delayed labels, designs a continuous training and release process with shadow and canary stages, and defines ownership and on-call for the model.',
      },
    },
  ],
}
