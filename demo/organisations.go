package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// orgType is what kind of body an organisation is; it drives its name and
// the title of whoever signs for it.
type orgType uint8

const (
	orgSchool orgType = iota
	orgUniversity
	orgNGO
	orgCompany
	orgPublic
	orgNetwork
	numOrgTypes
)

var (
	// Signing organisations: schools and associations first.
	signerTypes = newPicker([]float64{28, 14, 26, 14, 10, 8})
	// Where individual signatories work: schools and universities first.
	affiliationTypes = newPicker([]float64{30, 30, 15, 17, 6, 2})
)

// tagged is a text usable only in some countries when tags is not empty
// ("[PT,LU]Câmara Municipal {of}").
type tagged struct {
	tags []string
	text string
}

func parseTagged(list []string) []tagged {
	out := make([]tagged, len(list))
	for i, s := range list {
		if strings.HasPrefix(s, "[") {
			if end := strings.IndexByte(s, ']'); end > 0 {
				out[i] = tagged{tags: strings.Split(s[1:end], ","), text: s[end+1:]}
				continue
			}
		}
		out[i] = tagged{text: s}
	}
	return out
}

func (t tagged) fits(code string) bool {
	if len(t.tags) == 0 {
		return true
	}
	for _, c := range t.tags {
		if c == code {
			return true
		}
	}
	return false
}

// pickTagged draws a text that fits the country, by rejection (lists are
// short and mostly untagged), falling back to the first untagged one.
func pickTagged(r *rand.Rand, list []tagged, code string) string {
	for range 16 {
		if t := oneOf(r, list); t.fits(code) {
			return t.text
		}
	}
	for _, t := range list {
		if len(t.tags) == 0 {
			return t.text
		}
	}
	return list[0].text
}

// orgLang holds everything needed to name organisations in one language.
// Templates use {city}, {of} ("di Bologna", "d'Angers", "do Porto", Polish
// locative, Greek genitive), {n}, {hero}, {herohyph}, {word}, {sw},
// {country} and {ltd}.
type orgLang struct {
	templates   [numOrgTypes][]tagged
	heroes      []tagged
	words       []string
	schoolWords []string
	roles       [numOrgTypes][]string // "Masculine|Feminine" when the title agrees with the person
	mailboxes   []string
}

type orgLangDef struct {
	lang        string
	templates   [numOrgTypes][]string
	heroes      []string
	words       []string
	schoolWords []string
	roles       [numOrgTypes][]string
	mailboxes   []string
}

var orgLangDefs = []orgLangDef{
	{lang: "en",
		templates: [numOrgTypes][]string{
			orgSchool:     {"{city} Community College", "{city} Adult Learning Centre", "[GB,IE,US,CA,AU,NZ,ZA,NG,GH,KE,UG,IN,MT]{hero} Academy", "{city} High School", "[GB,IE,AU,NZ,MT]{city} Sixth Form College", "[GB,IE]{city} College of Further Education", "[US,CA]{city} Public Schools – Digital Learning Office", "[US]{hero} Middle School", "[IN]{city} Public School", "[NG,GH,KE,UG,TZ,ZA]{city} Girls' Secondary School", "{city} Open School", "{word} Community School, {city}", "{word} Primary School, {city}", "{word} Adult Learning Centre"},
			orgUniversity: {"University of {city} – Open Learning Lab", "{city} Metropolitan University", "{city} Institute of Technology", "Centre for Lifelong Learning, University of {city}", "{city} School of Education", "{city} Open University – Learning Innovation Unit"},
			orgNGO:        {"{country} Skills Network", "{city} Open Recognition Hub", "Open Talents {city}", "Badges for All {city}", "{city} Youth Foundation", "Learning Cities Trust {city}", "Recognise {city}", "{word} Foundation", "{city} Makers Collective", "The {word} Project", "{city} Refugee Skills Initiative", "Women in Learning {country}", "{word} Trust {city}", "{city} {word} Network", "{word} Community Hub {city}"},
			orgCompany:    {"{word} Learning {ltd}", "{word} Skills {ltd}", "{word}works", "{word} Labs", "Skillbridge {city}", "{word} Talent Partners"},
			orgPublic:     {"{city} City Council – Education Services", "{city} Public Library", "{city} Youth Service", "{city} Employment and Skills Board", "[US]City of {city} Office of Workforce Development"},
			orgNetwork:    {"{country} Open Badges Network", "Open Recognition {country}", "{city} Learning City Network", "{country} Open Recognition Alliance", "{city} Badge Alliance", "Open Recognition Circle {city}"},
		},
		heroes: []string{"Ada Lovelace", "Rosalind Franklin", "Marie Curie", "Nelson Mandela", "Malala Yousafzai", "[GB]Mary Seacole", "[US]Frederick Douglass", "[US]Maya Angelou", "[KE]Wangari Maathai", "[NG]Chinua Achebe", "[ZA]Miriam Makeba", "[IN]Rabindranath Tagore", "[IN]Savitribai Phule", "[IE]Eavan Boland", "[AU,NZ]Kate Sheppard", "[CA]Emily Carr"},
		words:  []string{"Compass", "Bridge", "Horizon", "Roots", "Spark", "Mosaic", "Lighthouse", "Pathways", "Wings", "Wellspring", "Circle", "Kite", "Tandem", "Keystone", "Harbour", "Meadow", "Lantern", "Orchard", "Crossroads", "Beacon", "Acorn", "Riverside", "Northstar", "Threadline"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Principal", "Head Teacher", "Deputy Principal", "Head of Learning", "Curriculum Lead"},
			orgUniversity: {"Vice-Chancellor", "Dean of Learning Innovation", "Head of Learning", "Director of Digital Education", "Pro-Vice-Chancellor for Education"},
			orgNGO:        {"Director", "Executive Director", "Chair", "Founder", "Coordinator", "President"},
			orgCompany:    {"CEO", "Managing Director", "Founder", "Head of Learning", "Chief Learning Officer"},
			orgPublic:     {"Head of Education Services", "Service Manager", "Director", "Skills Programme Manager"},
			orgNetwork:    {"Coordinator", "Chair", "Community Manager", "Founder"},
		},
		mailboxes: []string{"info", "contact", "hello", "office", "team"},
	},
	{lang: "it",
		templates: [numOrgTypes][]string{
			orgSchool:     {"Istituto Comprensivo {city} {n}", "Liceo Scientifico {hero}", "Istituto Tecnico {hero}", "Liceo Classico {hero} {of}", "CPIA {city} {n}", "Scuola Primaria {hero}", "Istituto Professionale {hero} {of}"},
			orgUniversity: {"Università {of} – Laboratorio Open Badge", "Centro per l'Apprendimento Permanente, Università {of}", "Politecnico {of} – Open Learning Lab", "Università Popolare {of}"},
			orgNGO:        {"Associazione Riconoscersi {city}", "Cooperativa Sociale {word}", "Fondazione Apprendere Insieme {city}", "Associazione Competenze in Rete {city}", "Comunità Educante {city}", "APS Talenti Aperti {city}", "Associazione {word}", "Associazione {word} {city}", "Circolo {word} {city}", "Cooperativa {word} {city}"},
			orgCompany:    {"{word} Formazione S.r.l.", "{word} Digital Learning S.r.l.", "Studio {word}", "{word} Lab S.r.l."},
			orgPublic:     {"Comune {of} – Servizi Educativi", "Biblioteca Civica {of}", "Informagiovani {city}", "Centro per l'Impiego {of}"},
			orgNetwork:    {"Rete {city} Apprende", "Rete Open Badge {city}", "Coordinamento per il Riconoscimento Aperto {of}", "Patto Educativo di Comunità {of}"},
		},
		heroes: []string{"Galileo Galilei", "Maria Montessori", "Leonardo da Vinci", "Gianni Rodari", "Rita Levi-Montalcini", "Don Lorenzo Milani", "Grazia Deledda", "Alessandro Volta", "Enrico Fermi", "Primo Levi", "Italo Calvino", "Dante Alighieri"},
		words:  []string{"Orizzonti", "Mosaico", "Ponti", "Radici", "Semi", "Officina", "Bussola", "Tessere", "Germogli", "Faro", "Incontri", "Arcobaleno", "Trame", "Sentieri", "Alveare", "Aquilone", "Girasole", "Crocevia", "Sorgente", "Lanterna", "Passaparola", "Approdi", "Intrecci", "Scintille"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Dirigente scolastico|Dirigente scolastica", "Docente referente per l'innovazione", "Vicepreside"},
			orgUniversity: {"Rettore|Rettrice", "Prorettore alla didattica|Prorettrice alla didattica", "Direttore del Centro|Direttrice del Centro"},
			orgNGO:        {"Presidente", "Direttore|Direttrice", "Coordinatore|Coordinatrice"},
			orgCompany:    {"Amministratore delegato|Amministratrice delegata", "Responsabile formazione", "Fondatore|Fondatrice"},
			orgPublic:     {"Assessore all'istruzione|Assessora all'istruzione", "Dirigente dei servizi educativi", "Responsabile del servizio"},
			orgNetwork:    {"Coordinatore|Coordinatrice", "Presidente", "Referente"},
		},
		mailboxes: []string{"info", "segreteria", "contatti"},
	},
	{lang: "fr",
		templates: [numOrgTypes][]string{
			orgSchool:     {"Lycée {hero}", "Collège {hero}", "Lycée professionnel {hero} {of}", "École élémentaire {hero}", "Lycée polyvalent {hero}", "[FR]GRETA {city}", "[SN,CI,CM,MA,TN,DZ]Lycée {hero} {of}"},
			orgUniversity: {"Université {of} – Open Learning Lab", "IUT {of}", "Institut de formation continue, Université {of}", "Learning Lab de l'Université {of}"},
			orgNGO:        {"Association Reconnaissance Ouverte {city}", "Réseau des Savoirs {city}", "Fondation Apprendre Ensemble {city}", "Tiers-lieu La Fabrique {of}", "Collectif Talents {city}", "Association {word}", "Maison des Compétences {of}", "Association {word} {city}", "Collectif {word} {city}", "Les {word} {of}"},
			orgCompany:    {"{word} Formation SAS", "{word} Conseil", "Atelier {word} SCOP", "{word} Learning SARL"},
			orgPublic:     {"Ville {of} – Direction de l'Éducation", "Médiathèque {of}", "Mission locale {of}", "Maison de l'emploi {of}"},
			orgNetwork:    {"Réseau Open Badges {city}", "Collectif Reconnaissance Ouverte {city}", "{city} Ville apprenante", "Réseau des Acteurs de la Reconnaissance {of}"},
		},
		heroes: []string{"Jean Moulin", "Victor Hugo", "Marie Curie", "Jules Ferry", "Simone Veil", "Condorcet", "Jean Jaurès", "Louise Michel", "Albert Camus", "George Sand", "Paul Éluard", "Olympe de Gouges", "[SN]Léopold Sédar Senghor", "[SN,CI,CM]Aimé Césaire", "[BE]Émile Verhaeren"},
		words:  []string{"Boussole", "Passerelles", "Horizons", "Racines", "Archipel", "Tisserands", "Éclaireurs", "Semailles", "Mosaïque", "Cordée", "Envol", "Lucioles", "Fabrique", "Ruche", "Carrefour", "Lanterne", "Sillons", "Estuaire", "Rhizome", "Colibris", "Alizés", "Passeurs", "Tremplin"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Chef d'établissement|Cheffe d'établissement", "Directeur|Directrice", "Conseiller pédagogique|Conseillère pédagogique"},
			orgUniversity: {"Président|Présidente", "Vice-président|Vice-présidente", "Directeur du Learning Lab|Directrice du Learning Lab"},
			orgNGO:        {"Président|Présidente", "Délégué général|Déléguée générale", "Coordinateur|Coordinatrice"},
			orgCompany:    {"Gérant|Gérante", "Directeur général|Directrice générale", "Fondateur|Fondatrice"},
			orgPublic:     {"Adjoint à l'éducation|Adjointe à l'éducation", "Directeur|Directrice", "Chef de service|Cheffe de service"},
			orgNetwork:    {"Animateur|Animatrice", "Coordinateur|Coordinatrice"},
		},
		mailboxes: []string{"contact", "accueil", "info"},
	},
	{lang: "es",
		templates: [numOrgTypes][]string{
			orgSchool:     {"[ES]IES {hero}", "Colegio {hero}", "[ES]CEIP {hero}", "Escuela de Adultos {of}", "Instituto {hero} {of}", "[ES]CEPA {city}", "[MX,AR,CL,CO,PE,UY,EC]Escuela Normal {hero}"},
			orgUniversity: {"Universidad {of} – Laboratorio de Aprendizaje Abierto", "Centro de Formación Permanente, Universidad {of}", "Universidad Popular {of}"},
			orgNGO:        {"Fundación Aprender Abierto {city}", "Asociación Reconocer {city}", "Red de Talentos {city}", "Asociación Cultural {word}", "Fundación {word}", "Colectivo Aprendizaje Libre {city}", "Asociación {word} {city}", "Colectivo {word} {city}", "Fundación {word} {city}"},
			orgCompany:    {"[ES]{word} Formación S.L.", "[ES]{word} Aprendizaje Digital S.L.", "Consultora {word}", "[MX,AR,CL,CO,PE,UY,EC]{word} Aprendizaje S.A.", "{word} Educación"},
			orgPublic:     {"Biblioteca Pública {of}", "Centro de Educación de Personas Adultas {of}", "Oficina de Juventud {of}", "[ES]Ayuntamiento {of} – Área de Educación", "[AR,CL,PE,UY]Municipalidad {of} – Dirección de Educación"},
			orgNetwork:    {"Red Open Badges {city}", "Red de Reconocimiento Abierto {of}", "{city} Ciudad Educadora", "Comunidad de Práctica Insignias Abiertas {city}"},
		},
		heroes: []string{"[ES]Antonio Machado", "[ES]Miguel de Cervantes", "[ES]Clara Campoamor", "[ES]Federico García Lorca", "[ES]María Zambrano", "[ES]Francisco Giner de los Ríos", "[ES]Rosalía de Castro", "[ES]Severo Ochoa", "Gabriela Mistral", "Sor Juana Inés de la Cruz", "José Martí", "[MX]Benito Juárez", "[CL]Pablo Neruda", "[AR]Domingo Faustino Sarmiento", "[CO]Gabriel García Márquez", "[UY]José Pedro Varela"},
		words:  []string{"Brújula", "Horizontes", "Raíces", "Semillas", "Puentes", "Mosaico", "Faro", "Encuentros", "Alas", "Trama", "Sendero", "Vínculos", "Colmena", "Cometa", "Girasol", "Encrucijada", "Manantial", "Linterna", "Chispa", "Telar", "Surcos", "Aldea", "Rumbo", "Savia"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Director|Directora", "Jefe de estudios|Jefa de estudios"},
			orgUniversity: {"Rector|Rectora", "Vicerrector de Innovación|Vicerrectora de Innovación", "Director de Formación Permanente|Directora de Formación Permanente"},
			orgNGO:        {"Presidente|Presidenta", "Director|Directora", "Coordinador|Coordinadora"},
			orgCompany:    {"Director general|Directora general", "Fundador|Fundadora", "Consejero delegado|Consejera delegada"},
			orgPublic:     {"Concejal de Educación|Concejala de Educación", "Jefe de Servicio|Jefa de Servicio", "Director|Directora"},
			orgNetwork:    {"Coordinador|Coordinadora", "Presidente|Presidenta"},
		},
		mailboxes: []string{"info", "contacto", "secretaria"},
	},
	{lang: "pt",
		templates: [numOrgTypes][]string{
			orgSchool:     {"Escola Secundária {hero}", "Agrupamento de Escolas {hero}", "Escola Básica {hero}", "[BR]Escola Estadual {hero}", "[PT]Centro Qualifica {of}", "Escola Técnica {of}"},
			orgUniversity: {"Universidade {of} – Laboratório de Aprendizagem Aberta", "[PT]Instituto Politécnico {of}", "Centro de Formação Contínua, Universidade {of}"},
			orgNGO:        {"Associação Reconhecer {city}", "Fundação Aprender Juntos {city}", "Rede de Saberes {city}", "Associação {word}", "Instituto {word}", "Coletivo Aprendizagem Aberta {city}", "Associação {word} {city}", "Coletivo {word} {city}"},
			orgCompany:    {"[PT]{word} Formação Lda.", "[BR]{word} Educação Ltda.", "{word} Aprendizagem Digital"},
			orgPublic:     {"[PT]Câmara Municipal {of} – Divisão de Educação", "Biblioteca Municipal {of}", "[BR]Secretaria Municipal de Educação {of}"},
			orgNetwork:    {"Rede Open Badges {city}", "Rede de Reconhecimento Aberto {of}", "{city} Cidade Educadora", "Comunidade de Prática Badges Abertos {city}"},
		},
		heroes: []string{"[PT]Luís de Camões", "[PT]Fernando Pessoa", "[PT]Sophia de Mello Breyner", "[PT]José Saramago", "[PT]Florbela Espanca", "Paulo Freire", "[BR]Anísio Teixeira", "[BR]Cecília Meireles", "[BR]Machado de Assis", "[BR]Darcy Ribeiro", "[BR]Carolina Maria de Jesus"},
		words:  []string{"Bússola", "Horizontes", "Raízes", "Sementes", "Pontes", "Mosaico", "Farol", "Encontros", "Asas", "Trama", "Caminhos", "Vínculos", "Colmeia", "Papagaio", "Girassol", "Encruzilhada", "Nascente", "Lanterna", "Faísca", "Tear", "Sulcos", "Aldeia", "Rumo", "Seiva"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Diretor|Diretora", "Coordenador Pedagógico|Coordenadora Pedagógica"},
			orgUniversity: {"Reitor|Reitora", "Vice-Reitor|Vice-Reitora", "Pró-Reitor de Extensão|Pró-Reitora de Extensão"},
			orgNGO:        {"Presidente", "Coordenador|Coordenadora", "Diretor Executivo|Diretora Executiva"},
			orgCompany:    {"Diretor-Geral|Diretora-Geral", "Fundador|Fundadora", "CEO"},
			orgPublic:     {"Vereador da Educação|Vereadora da Educação", "Secretário de Educação|Secretária de Educação", "Chefe de Divisão"},
			orgNetwork:    {"Coordenador|Coordenadora", "Presidente"},
		},
		mailboxes: []string{"geral", "contacto", "info", "secretaria"},
	},
	{lang: "de",
		templates: [numOrgTypes][]string{
			orgSchool:     {"{herohyph}-Gymnasium {city}", "{herohyph}-Schule", "Volkshochschule {city}", "Berufskolleg {city}", "Grundschule am Stadtpark {city}", "Gesamtschule {city}-Mitte", "[AT]HTL {city}", "[CH]Berufsfachschule {city}"},
			orgUniversity: {"Hochschule {city} – Zentrum für Weiterbildung", "Universität {city}, Lab für offene Bildung", "Fachhochschule {city}", "Technische Hochschule {city} – Digital Learning Lab", "[CH]Pädagogische Hochschule {city}"},
			orgNGO:        {"Verein für offene Bildung {city} e.V.", "Bildungswerk {city} e.V.", "Stiftung Lernen verbindet {city}", "Netzwerk Kompetenzen sichtbar machen {city} e.V.", "Initiative {word} e.V.", "Jugendwerkstatt {city}", "Verein {word} {city} e.V.", "Initiative {word} {city}", "Stiftung {word} {city}"},
			orgCompany:    {"{word} Bildung GmbH", "{word} Learning GmbH", "{word} Akademie GmbH", "Agentur {word}"},
			orgPublic:     {"Stadtbibliothek {city}", "Bildungsbüro der Stadt {city}", "Kommunales Bildungsmanagement {city}", "[AT]Bildungshaus {city}"},
			orgNetwork:    {"Open Badges Netzwerk {city}", "Lernende Region {city}", "Bündnis Offene Anerkennung {city}", "Netzwerk Bildung {city}"},
		},
		heroes: []string{"Albert Einstein", "Sophie Scholl", "Friedrich Schiller", "Alexander von Humboldt", "Hannah Arendt", "Bertha von Suttner", "Käthe Kollwitz", "Johann Heinrich Pestalozzi", "Anne Frank", "Lise Meitner"},
		words:  []string{"Kompass", "Brücke", "Horizont", "Wurzelwerk", "Lernwerk", "Funke", "Mosaik", "Leuchtturm", "Weitblick", "Zukunftswerk", "Quelle", "Bienenstock", "Drachen", "Sonnenblume", "Kreuzung", "Laterne", "Webstuhl", "Furche", "Werkstatt", "Anker", "Lichtblick", "Netzwerkstatt"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Schulleiter|Schulleiterin", "Stellvertretender Schulleiter|Stellvertretende Schulleiterin"},
			orgUniversity: {"Rektor|Rektorin", "Präsident|Präsidentin", "Vizepräsident für Lehre|Vizepräsidentin für Lehre", "Leiter des Zentrums für Weiterbildung|Leiterin des Zentrums für Weiterbildung"},
			orgNGO:        {"Vorsitzender|Vorsitzende", "Geschäftsführer|Geschäftsführerin", "Vorstand"},
			orgCompany:    {"Geschäftsführer|Geschäftsführerin", "Gründer|Gründerin"},
			orgPublic:     {"Leiter|Leiterin", "Leiter des Bildungsbüros|Leiterin des Bildungsbüros", "Referent für Bildung|Referentin für Bildung"},
			orgNetwork:    {"Koordinator|Koordinatorin", "Sprecher|Sprecherin"},
		},
		mailboxes: []string{"info", "kontakt", "buero"},
	},
	{lang: "nl",
		templates: [numOrgTypes][]string{
			orgSchool:     {"{hero} College", "Basisschool {sw}", "Stedelijk Lyceum {city}", "[NL]ROC {city}", "Atheneum {city}", "[BE]Vrije Basisschool {sw}"},
			orgUniversity: {"Hogeschool {city} – Lectoraat Open Leren", "Universiteit {city} Open Learning Lab", "Centrum voor Levenslang Leren {city}"},
			orgNGO:        {"Stichting Open Erkenning {city}", "Vereniging Leren Zonder Grenzen {city}", "[NL]Stichting {word}", "Buurtwerk {city}", "[BE]vzw {word}", "Stichting Talent Telt {city}", "Stichting {word} {city}", "Collectief {word} {city}"},
			orgCompany:    {"{word} Learning B.V.", "{word} Opleidingen B.V.", "Bureau {word}", "{word} Academy"},
			orgPublic:     {"[NL]Gemeente {city} – Onderwijs", "Bibliotheek {city}", "[BE]Stad {city} – Dienst Onderwijs", "Leerwerkloket {city}"},
			orgNetwork:    {"Open Badges Netwerk {city}", "Lerend Netwerk {city}", "Coalitie Erkennen {city}", "Leven Lang Leren Netwerk {city}"},
		},
		heroes:      []string{"Erasmus", "Spinoza", "Annie M.G. Schmidt", "Christiaan Huygens", "Aletta Jacobs", "[BE]Guido Gezelle", "[BE]Hendrik Conscience"},
		words:       []string{"Kompas", "Brug", "Horizon", "Wortels", "Vonk", "Mozaïek", "Vuurtoren", "Verte", "Bron", "Kring", "Regenboog", "Bijenkorf", "Vlieger", "Zonnebloem", "Kruispunt", "Lantaarn", "Weefgetouw", "Werkplaats", "Anker", "Lichtpunt", "Kiem", "Koers"},
		schoolWords: []string{"De Regenboog", "De Vuurtoren", "De Brug", "Het Kompas", "De Bron", "De Horizon", "De Wingerd", "Het Palet", "De Zonnewijzer"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Directeur|Directrice", "Schoolleider", "Rector"},
			orgUniversity: {"Rector magnificus", "Decaan", "Lector", "Programmamanager"},
			orgNGO:        {"Voorzitter", "Directeur|Directrice", "Coördinator"},
			orgCompany:    {"Directeur|Directrice", "Oprichter|Oprichtster", "Algemeen directeur"},
			orgPublic:     {"Wethouder Onderwijs", "Afdelingshoofd", "Directeur|Directrice"},
			orgNetwork:    {"Coördinator", "Kwartiermaker", "Voorzitter"},
		},
		mailboxes: []string{"info", "contact", "secretariaat"},
	},
	{lang: "pl",
		templates: [numOrgTypes][]string{
			orgSchool:     {"Szkoła Podstawowa nr {n} w {of}", "Liceum Ogólnokształcące nr {n} w {of}", "Zespół Szkół nr {n} w {of}", "Szkoła Podstawowa im. {hero} w {of}", "Centrum Kształcenia Ustawicznego w {of}"},
			orgUniversity: {"Uniwersytet Trzeciego Wieku w {of}", "Akademia Umiejętności w {of}", "Laboratorium Otwartej Edukacji – {city}"},
			orgNGO:        {"Fundacja Otwarta Edukacja – {city}", "Stowarzyszenie Uczymy Się Razem – {city}", "Fundacja „{word}”", "Stowarzyszenie Edukatorów „{word}”", "Fundacja Rozwoju Kompetencji „{word}”"},
			orgCompany:    {"{word} Sp. z o.o.", "Akademia {word} Sp. z o.o.", "{word} Szkolenia"},
			orgPublic:     {"Miejska Biblioteka Publiczna w {of}", "Młodzieżowy Dom Kultury w {of}", "Urząd Miasta – Wydział Edukacji, {city}"},
			orgNetwork:    {"Sieć Otwartego Uznawania – {city}", "Sieć Edukacji Otwartej w {of}"},
		},
		// Heroes follow "im." and so are in the genitive.
		heroes: []string{"Marii Skłodowskiej-Curie", "Janusza Korczaka", "Mikołaja Kopernika", "Adama Mickiewicza", "Ireny Sendlerowej", "Wisławy Szymborskiej", "Fryderyka Chopina", "Stanisława Lema"},
		words:  []string{"Kompas", "Horyzont", "Most", "Korzenie", "Iskra", "Mozaika", "Latarnia", "Ścieżki", "Skrzydła", "Źródło", "Krąg", "Tęcza"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Dyrektor|Dyrektorka", "Wicedyrektor|Wicedyrektorka"},
			orgUniversity: {"Rektor|Rektorka", "Prorektor ds. kształcenia|Prorektorka ds. kształcenia", "Kierownik laboratorium|Kierowniczka laboratorium"},
			orgNGO:        {"Prezes|Prezeska", "Koordynator|Koordynatorka"},
			orgCompany:    {"Prezes zarządu|Prezeska zarządu", "Założyciel|Założycielka"},
			orgPublic:     {"Naczelnik Wydziału Edukacji|Naczelniczka Wydziału Edukacji", "Dyrektor|Dyrektorka"},
			orgNetwork:    {"Koordynator|Koordynatorka"},
		},
		mailboxes: []string{"biuro", "kontakt", "sekretariat"},
	},
	{lang: "el",
		templates: [numOrgTypes][]string{
			orgSchool:     {"{n}ο Γυμνάσιο {of}", "{n}ο Δημοτικό Σχολείο {of}", "{n}ο Γενικό Λύκειο {of}", "{n}ο ΕΠΑΛ {of}"},
			orgUniversity: {"Κέντρο Επιμόρφωσης και Δια Βίου Μάθησης {of}", "Εργαστήριο Ανοιχτής Εκπαίδευσης {of}"},
			orgNGO:        {"Δίκτυο Ανοιχτής Μάθησης {of}", "Σύλλογος Εκπαιδευτικών {of}", "ΚοινΣΕπ «{word}»", "Μη Κερδοσκοπική Εταιρεία «{word}»"},
			orgCompany:    {"«{word}» Εκπαιδευτικές Υπηρεσίες"},
			orgPublic:     {"Δημοτική Βιβλιοθήκη {of}", "Κέντρο Δια Βίου Μάθησης Δήμου {of}"},
			orgNetwork:    {"Δίκτυο Ανοιχτής Αναγνώρισης {of}"},
		},
		words: []string{"Πυξίδα", "Γέφυρα", "Ορίζοντας", "Ρίζες", "Σπίθα", "Ψηφίδα", "Φάρος", "Κύκλος"},
		roles: [numOrgTypes][]string{
			orgSchool:     {"Διευθυντής|Διευθύντρια"},
			orgUniversity: {"Διευθυντής|Διευθύντρια", "Επιστημονικός Υπεύθυνος|Επιστημονική Υπεύθυνη"},
			orgNGO:        {"Πρόεδρος", "Συντονιστής|Συντονίστρια"},
			orgCompany:    {"Διευθύνων Σύμβουλος|Διευθύνουσα Σύμβουλος"},
			orgPublic:     {"Αντιδήμαρχος Παιδείας", "Διευθυντής|Διευθύντρια"},
			orgNetwork:    {"Συντονιστής|Συντονίστρια"},
		},
		mailboxes: []string{"info", "grammateia"},
	},
}

var orgLangs = map[string]*orgLang{}

func initOrgLangs() {
	for _, d := range orgLangDefs {
		ol := &orgLang{words: d.words, schoolWords: d.schoolWords, roles: d.roles, mailboxes: d.mailboxes, heroes: parseTagged(d.heroes)}
		for t := range numOrgTypes {
			ol.templates[t] = parseTagged(d.templates[t])
		}
		orgLangs[d.lang] = ol
	}
}

// orgNaming is an organisation name and the language it is written in.
type orgNaming struct {
	name string
	lang string
	typ  orgType
}

// nameOrganisation invents a plausible, fictional organisation in city ct.
// With probability localShare it is named in the city's language (when we
// have templates for it), otherwise in English.
func nameOrganisation(r *rand.Rand, c *country, ct *city, typ orgType, localShare float64) orgNaming {
	lang := "en"
	if _, ok := orgLangs[ct.lang]; ok && chance(r, localShare) {
		lang = ct.lang
	}
	ol := orgLangs[lang]
	tpl := pickTagged(r, ol.templates[typ], c.code)
	v := textVars{country: c.name, n: strconv.Itoa(1 + r.IntN(r.IntN(24)+1))}
	if lang == ct.lang {
		v.city = ct.local
	} else {
		v.city = ct.name
	}
	v.of = ofCity(lang, ct, v.city)
	if len(ol.heroes) > 0 {
		v.hero = pickTagged(r, ol.heroes, c.code)
	}
	if len(ol.words) > 0 {
		v.word = oneOf(r, ol.words)
	}
	if len(ol.schoolWords) > 0 {
		v.sw = oneOf(r, ol.schoolWords)
	}
	switch c.code {
	case "US", "CA":
		v.ltd = "Inc."
	case "IN":
		v.ltd = "Pvt Ltd"
	default:
		v.ltd = "Ltd"
	}
	return orgNaming{name: renderString(tpl, &v), lang: lang, typ: typ}
}

// ofCity writes "of <city>" the way lang needs it: Italian "di", French
// "de"/"d'" with elision, Spanish and Portuguese "de" (or the irregular form
// stored with the city: "do Porto"), and the bare case form for Polish and
// Greek, whose templates carry their own preposition.
func ofCity(lang string, ct *city, name string) string {
	if lang == ct.lang && ct.of != "" {
		return ct.of
	}
	switch lang {
	case "it":
		return "di " + name
	case "fr":
		if startsWithVowelOrH(name) {
			return "d'" + name
		}
		return "de " + name
	case "es", "pt":
		return "de " + name
	}
	return name
}

func startsWithVowelOrH(s string) bool {
	for _, r := range s {
		return strings.ContainsRune("AEIOUYHÉÈÊÎÔÂ", r)
	}
	return false
}

// roleFor gives the title of whoever signs for an organisation, in the
// organisation's language and agreeing with the person where it must.
func roleFor(r *rand.Rand, lang string, typ orgType, female bool) string {
	ol := orgLangs[lang]
	m, f, ok := strings.Cut(oneOf(r, ol.roles[typ]), "|")
	if ok && female {
		return f
	}
	return m
}

// mailbox is the local part of an organisation's address: a shared box
// ("segreteria") or, a quarter of the time, the representative's own.
func mailbox(r *rand.Rand, lang string, rep personName) string {
	if chance(r, 0.25) {
		g, f := asciiJoin(rep.givenLatin, ""), asciiJoin(rep.familyLatin, "")
		if g != "" && f != "" {
			return g[:1] + "." + f
		}
	}
	return oneOf(r, orgLangs[lang].mailboxes)
}
