import { Question } from './question.js'

/** Step keys of the built-in `ml-system-design` kit; every question has hints for each. */
type StepKeyOfBuiltInKit = 'clarify' | 'frame' | 'data' | 'model' | 'evaluate' | 'serve' | 'monitor'

type BankEntry = Omit<Question, 'hints'> & { hints: Record<StepKeyOfBuiltInKit, string[]> }

const entries: BankEntry[] = [
  {
    id: 'visual-search',
    title: 'Visual search system',
    prompt:
      'We run an image-sharing platform with a few billion images and hundreds of millions of monthly users. When a user looks at an image, or crops part of it, we want to show other images that look similar. Design the system that takes a query image and returns a ranked list of visually similar images from the whole catalogue, fast enough to feel instant as the user scrolls.',
    hints: {
      clarify: [
        'Does the user search with a whole image, a crop, or also with text? Are videos in scope?',
        'Should results be personalised, and how quickly must a newly uploaded image become searchable?',
      ],
      frame: [
        'Expect a representation-learning framing: embed images so that similar images are close, then rank by distance.',
      ],
      data: [
        'Where do similarity labels come from? Interaction logs (clicks, saves after a query) versus human-labelled pairs, and the noise in each.',
        'Which preprocessing and augmentations (resize, crop, colour jitter) does training need?',
      ],
      model: [
        'Probe contrastive training: how positives and negatives are chosen, hard negatives, and the choice of backbone (CNN or vision transformer).',
      ],
      evaluate: [
        'Offline: MRR, recall@k, mAP or NDCG on a labelled query set; online: click-through and save rate on results.',
      ],
      serve: [
        'Catalogue embeddings are computed in batch and indexed; query embedding is online. Ask about approximate nearest neighbour search (e.g. HNSW, product quantisation) and sharding the index.',
        'How are newly uploaded images added to the index, and how are blocked images filtered out?',
      ],
      monitor: [
        'Re-indexing the whole catalogue is needed when the embedding model changes; how would they manage that migration?',
      ],
    },
    tags: ['computer vision', 'retrieval', 'embeddings'],
  },
  {
    id: 'street-view-blurring',
    title: 'Blurring faces and licence plates in street-level imagery',
    prompt:
      'Our mapping product collects street-level panoramas from camera-equipped cars, tens of millions of new images a month across many countries. To protect privacy, every face and licence plate must be blurred before an image is published. Design the system that detects these objects and blurs them, knowing that publishing is not real-time and that a missed face is far worse than an extra blur.',
    hints: {
      clarify: [
        'Is processing batch or near real-time? What recall target do privacy rules require, and is there a human review step?',
      ],
      frame: [
        'Object detection: input an image, output bounding boxes with a class (face, plate) and a confidence.',
        'One-stage versus two-stage detectors: the trade-off between speed and accuracy when latency matters little.',
      ],
      data: [
        'Hand-labelled bounding boxes are costly: how would they bootstrap and grow the labelled set, and balance countries, weather and lighting?',
      ],
      model: [
        'Probe non-maximum suppression, handling small and distant objects, and augmentations for occlusion and blur.',
      ],
      evaluate: [
        'Offline: precision-recall per class, average precision at an IoU threshold, with recall weighted heavily; online: user reports of unblurred faces.',
      ],
      serve: [
        'A batch pipeline over large volumes: how is it scaled, how are tiles of a panorama handled, and what happens to low-confidence detections?',
      ],
      monitor: [
        'User-reported misses become new labels; how do they flow into retraining, and how are new regions or camera types checked for drift?',
      ],
    },
    tags: ['computer vision', 'object detection', 'privacy'],
  },
  {
    id: 'video-search',
    title: 'Video search',
    prompt:
      'We host a video platform with around a billion videos, each with a title, description and tags, and users type free-text queries to find them. Design the search system that returns the most relevant videos for a text query, using both the text attached to videos and their visual content, and answers within a few hundred milliseconds.',
    hints: {
      clarify: [
        'Is the query only text, in which languages, and should results be personalised or purely relevance-based?',
      ],
      frame: [
        'A strong answer splits text search (keyword index) from visual search (a shared text-video embedding space) and fuses the two.',
      ],
      data: [
        'Training pairs of query and relevant video: from click logs, or curated annotations? How noisy are user-written titles and tags?',
        'How are video frames sampled and preprocessed to keep compute manageable?',
      ],
      model: [
        'Probe the text encoder and video encoder, contrastive training between them, and how frame-level features are aggregated.',
      ],
      evaluate: [
        'Offline: MRR or recall@k on query-video pairs; online: click-through, watch time after a search, and queries with no click.',
      ],
      serve: [
        'Two retrieval paths (inverted index and nearest-neighbour search) merged and re-ranked: what is the latency of each, and how are results fused?',
      ],
      monitor: [
        'Queries drift with trends and new topics; how would they detect declining relevance for fresh queries?',
      ],
    },
    tags: ['retrieval', 'search', 'multimodal'],
  },
  {
    id: 'harmful-content',
    title: 'Harmful content detection on a social platform',
    prompt:
      'Our social network receives hundreds of millions of new posts a day, mixing text, images and video. Some posts contain violence, hate speech, nudity, misinformation or other policy violations. Design a system that detects harmful posts, decides whether to take them down, demote them or send them to human reviewers, and explains to users why a post was removed.',
    hints: {
      clarify: [
        'Which harm categories are in scope, and must the system act before a post is visible or can it act shortly after?',
        'How many human reviewers are available, and what is the appeal process?',
      ],
      frame: [
        'Multi-label classification over a post; probe one model per harm versus a multi-task model with a shared backbone.',
      ],
      data: [
        'Labels from human reviewers versus user reports: differences in cost, delay and noise. How is the heavy class imbalance handled?',
      ],
      model: [
        'How are text, image and video signals fused (early versus late fusion)? Would they add author and engagement features?',
      ],
      evaluate: [
        'Offline: PR-AUC per harm category rather than accuracy; online: prevalence of harmful content seen by users, proactive detection rate, appeals overturned.',
      ],
      serve: [
        'Split by confidence: automatic removal above a high threshold, human review in a middle band, demotion below. How is reviewer capacity prioritised?',
      ],
      monitor: [
        'Adversaries adapt quickly; how would new evasion patterns be spotted and fed back through review into training?',
      ],
    },
    tags: ['classification', 'multimodal', 'trust and safety'],
  },
  {
    id: 'video-recommendation',
    title: 'Video recommendation system',
    prompt:
      'Our video platform has a home page that shows each user a personalised list of videos. There are about ten billion videos and several hundred million daily users. Design the system that chooses and orders the videos on the home page to increase user engagement, while still showing new and diverse content.',
    hints: {
      clarify: [
        'Which engagement signal matters: clicks, watch time, completions, explicit likes? How important is freshness for newly uploaded videos?',
      ],
      frame: [
        'Expect candidate generation then ranking; ask whether content-based filtering, collaborative filtering or a hybrid suits each stage.',
      ],
      data: [
        'Explicit feedback (likes) is sparse, implicit feedback (watch time) is plentiful but biased; which features describe users, videos and context?',
      ],
      model: [
        'Probe matrix factorisation versus a two-tower network for retrieval, and a richer ranker over fewer candidates. How is cold start handled?',
      ],
      evaluate: [
        'Offline: recall@k for retrieval, NDCG or mAP for ranking, plus diversity; online: watch time, click-through, daily active users.',
      ],
      serve: [
        'Several candidate sources merged, filtered (seen, blocked) and re-ranked within a tight budget: where does each stage run and how are embeddings refreshed?',
        'How would they add exploration or diversity so the feed does not collapse onto a few topics?',
      ],
      monitor: [
        'Recommendations shape what users watch, which shapes the training data; how would they detect and counter that feedback loop?',
      ],
    },
    tags: ['recommendation', 'ranking', 'retrieval'],
  },
  {
    id: 'event-recommendation',
    title: 'Event recommendation system',
    prompt:
      'Our event platform lets organisers publish events such as concerts, meetups and workshops, and lets users register for them. There are around a million active events at any time and tens of millions of users. Design a system that shows each user a personalised list of upcoming events they are likely to register for.',
    hints: {
      clarify: [
        'Events are short-lived and almost always new: how far in advance are they published, and are paid and free events treated the same?',
      ],
      frame: [
        'Pointwise learning to rank with a binary "registers" label is a reasonable start; ask why pure collaborative filtering struggles here.',
      ],
      data: [
        'Probe location features (distance, travel time), time features (day, time until the event), social features (friends attending) and price.',
        'Registrations are rare compared with impressions; how would they sample negatives?',
      ],
      model: [
        'A gradient-boosted tree is a strong baseline on tabular features; when would a neural network be worth the cost, and how would they retrain often enough?',
      ],
      evaluate: [
        'Offline: mAP or NDCG on held-out registrations; online: registration rate per impression, revenue for paid events, organiser satisfaction.',
      ],
      serve: [
        'Filter events by location and date before ranking; which features must be computed at request time (distance, friends going) and which can be precomputed?',
      ],
      monitor: [
        'Each event disappears after it happens, so the model is always cold-starting; how often should it retrain and what signals show it is stale?',
      ],
    },
    tags: ['recommendation', 'ranking', 'cold start'],
  },
  {
    id: 'ad-click-prediction',
    title: 'Ad click prediction on a social platform',
    prompt:
      'Our social platform shows ads between posts in the feed and earns most of its revenue from them. Billions of ad impressions are served each day, advertisers are charged per click, and new ads are created constantly. Design the system that predicts the probability that a user clicks a given ad, so the ad auction can rank ads by expected value.',
    hints: {
      clarify: [
        'Is the prediction used directly for pricing? Then it must be a calibrated probability, not just a good ordering.',
      ],
      frame: [
        'Binary classification of an impression (click or not), trained on impression logs; pointwise is the standard choice.',
      ],
      data: [
        'Very high-cardinality categorical features (user, ad, advertiser): probe hashing, embeddings and feature crosses.',
        'How long do they wait before labelling an impression as a non-click?',
      ],
      model: [
        'Logistic regression with feature crosses as a baseline, then models that learn interactions (factorisation machines, deep and cross networks); ask about continual training.',
      ],
      evaluate: [
        'Normalised cross-entropy and calibration matter more than AUC alone, since bids are priced on the probability; online: revenue, CTR, and advertiser return.',
      ],
      serve: [
        'Tens of milliseconds for many candidate ads per request: how are features fetched, and how are new ads handled before they have clicks?',
      ],
      monitor: [
        'Click-through rates shift daily; ask about continual or frequent retraining, calibration checks, and guarding against click fraud.',
      ],
    },
    tags: ['ranking', 'classification', 'ads'],
  },
  {
    id: 'similar-listings',
    title: 'Similar listings on a vacation-rental platform',
    prompt:
      'Our vacation-rental marketplace has a few million listings and many more guests searching for a place to stay. When a guest views a listing, we want to show a carousel of similar listings they might also book, in the same destination. Design the system that produces that carousel, taking into account that guests browse many listings in one session before booking.',
    hints: {
      clarify: [
        'Is the carousel personalised per guest or only per listing? Must results be in the same city and available for the guest\u2019s dates?',
      ],
      frame: [
        'Learn listing embeddings from browsing sessions, so that listings viewed together are close; the carousel is a nearest-neighbour lookup.',
      ],
      data: [
        'Sessions of clicked listings are the training data; how are sessions split, and how is the eventually booked listing used as a stronger signal?',
      ],
      model: [
        'A skip-gram style model over click sessions, with negatives drawn from the same region to avoid trivially learning geography.',
        'How would a brand-new listing get an embedding before anyone has clicked on it?',
      ],
      evaluate: [
        'Offline: how highly the eventually booked listing ranks among the candidates; online: click-through on the carousel and booking rate.',
      ],
      serve: [
        'Embeddings are retrained daily and served from a nearest-neighbour index; filter by location and availability before showing results.',
      ],
      monitor: [
        'Seasonality and new listings change the space quickly; how would they track embedding quality and coverage of new listings?',
      ],
    },
    tags: ['recommendation', 'embeddings', 'retrieval'],
  },
  {
    id: 'news-feed',
    title: 'Personalised news feed',
    prompt:
      'Our social network shows each user a feed of posts from friends, groups and pages they follow. Users have hundreds of friends and thousands of eligible posts every time they open the app, and we have over a billion daily users. Design the system that chooses and orders the posts in each user\u2019s feed to maximise meaningful engagement.',
    hints: {
      clarify: [
        'What counts as engagement: clicks, likes, comments, shares, time spent? Are some reactions worth more than others, and are ads in scope?',
      ],
      frame: [
        'Several binary predictions (will like, comment, share, hide) combined into one weighted score; ask how the weights are chosen.',
      ],
      data: [
        'Probe author-viewer affinity features (past interactions), post features (type, age, popularity) and viewer context.',
      ],
      model: [
        'One multi-task network with shared layers and a head per reaction versus separate models: trade-offs in training cost and sparse-label reactions.',
      ],
      evaluate: [
        'Offline: ROC-AUC or PR-AUC per reaction head; online: weighted engagement, time spent, and counter-metrics such as hides and reports.',
      ],
      serve: [
        'Retrieve fresh posts from the user\u2019s connections, rank them, then re-rank for diversity and integrity; where does the latency go at this scale?',
      ],
      monitor: [
        'Optimising engagement can promote clickbait or outrage; which signals would they watch to catch that, and how do new post formats get covered?',
      ],
    },
    tags: ['ranking', 'recommendation', 'multi-task'],
  },
  {
    id: 'people-you-may-know',
    title: 'People you may know',
    prompt:
      'Our professional network has close to a billion members connected in a social graph. We want to suggest to each member a list of people they may know and want to connect with, to help members grow their network. Design the system that produces these connection suggestions.',
    hints: {
      clarify: [
        'Is the goal sent requests or accepted connections? How quickly do suggestions need to reflect a new connection?',
      ],
      frame: [
        'Link prediction on the social graph: given two members, predict whether they will connect; pointwise classification over candidate pairs.',
      ],
      data: [
        'Graph features (mutual connections, shared employers or schools) and member features; how are positive and negative pairs sampled from the graph?',
      ],
      model: [
        'Probe a baseline from graph heuristics (friends of friends, mutual count) versus a graph neural network, and the cost of training on a huge graph.',
      ],
      evaluate: [
        'Offline: ROC-AUC or mAP on held-out future connections; online: requests sent, acceptance rate, and growth of active members.',
      ],
      serve: [
        'Candidate generation from friends of friends is expensive at this scale; would they precompute suggestions in batch and refresh on new connections?',
      ],
      monitor: [
        'Suggestions create connections that feed the graph they learn from; ask about that feedback loop and about privacy complaints from unwanted suggestions.',
      ],
    },
    tags: ['recommendation', 'graph', 'ranking'],
  },
]

/** The built-in question bank, in the order of the domain description; validated at module load. */
export const questionBank: readonly Question[] = Object.freeze(entries.map((q) => Question.parse(q)))

export function findQuestion(id: string): Question | undefined {
  return questionBank.find((q) => q.id === id)
}
